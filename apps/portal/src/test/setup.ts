import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { i18n } from '../i18n';

// Tests read the English; the French is checked key for key by i18n.test.ts.
beforeEach(async () => {
  window.localStorage.clear();
  await i18n.changeLanguage('en');
});

afterEach(() => {
  cleanup();
  document.cookie = 'enroll_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});
