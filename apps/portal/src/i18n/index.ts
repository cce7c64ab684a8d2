import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { fr } from './fr';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'enroll.language';

/** The person's choice if they made one, else the browser's: any `fr-*` reads French, the rest English. */
export function detectLanguage(
  stored: string | null = safeStorage()?.getItem(STORAGE_KEY) ?? null,
  browser: readonly string[] = navigator.languages,
): Language {
  if (stored === 'fr' || stored === 'en') {
    return stored;
  }
  const first = browser.find((l) => /^(fr|en)\b/i.test(l));
  return first?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Both languages are bundled (a few kB each): switching needs no round trip. */
export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: typeof navigator === 'undefined' ? 'en' : detectLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

const applyLanguage = (lng: string): void => {
  document.documentElement.lang = lng;
};
applyLanguage(i18n.language);
i18n.on('languageChanged', applyLanguage);

export async function chooseLanguage(lng: Language): Promise<void> {
  safeStorage()?.setItem(STORAGE_KEY, lng);
  await i18n.changeLanguage(lng);
}
