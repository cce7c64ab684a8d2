import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot, signIn } from './browser';
import { ADMIN_PASSWORD, startApiWithOrganization, type RunningApi } from './support';

/**
 * Issue 15 in a browser: an administrator disables a manager in the portal while the manager has
 * the portal open in another browser; the manager's next action signs it out (its session ended
 * in the database, not in the browser).
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-people-'));
let server: RunningApi;
let browser: Browser;
const contexts: BrowserContext[] = [];
let adminPage: Page;
let managerPage: Page;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-GB' });
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  ({ server } = await startApiWithOrganization(join(work, 'api-data')));
  browser = await launchChromium();
  // Two browser contexts: two people, two cookie jars.
  adminPage = await newPage();
  managerPage = await newPage();
});
afterAll(async () => {
  await browser.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});
afterEach(async () => {
  await screenshot(adminPage, `people-admin-${expect.getState().currentTestName?.slice(0, 40) ?? 'end'}`);
  await screenshot(managerPage, `people-manager-${expect.getState().currentTestName?.slice(0, 40) ?? 'end'}`);
});

describe('people in the portal', () => {
  it("an administrator disables a manager: the manager's open session is signed out on its next action", async () => {
    await signIn(managerPage, server.url, 'mgr-fr', 'manager password 1');
    await managerPage.getByRole('link', { name: 'Certificates' }).click();
    await managerPage.getByRole('heading', { name: 'Certificates', level: 1 }).waitFor();

    await signIn(adminPage, server.url, 'admin', ADMIN_PASSWORD);
    await adminPage.getByRole('link', { name: 'Managers' }).click();
    await adminPage.getByRole('heading', { name: 'Managers', level: 1 }).waitFor();
    // The confirmation is the browser's own dialog: the administrator accepts it.
    adminPage.once('dialog', (dialog) => void dialog.accept());
    const disable = adminPage.getByRole('button', { name: 'Disable for mgr-fr', exact: true });
    await disable.click();
    await adminPage.getByRole('status').getByText('mgr-fr is disabled: their sessions have ended.').waitFor();
    await adminPage
      .getByRole('row', { name: /mgr-fr/ })
      .getByText(/^Disabled /)
      .waitFor();
    // The same button now enables, and keeps the keyboard focus.
    const enable = adminPage.getByRole('button', { name: 'Enable for mgr-fr', exact: true });
    await expect(enable.evaluate((b) => b === document.activeElement)).resolves.toBe(true);

    // The manager's tab knows nothing yet; its next action meets the ended session.
    await managerPage.getByRole('link', { name: 'Review queue' }).click();
    await managerPage.getByText('Your session has expired. Please sign in again.').waitFor();
    expect(new URL(managerPage.url()).pathname).toBe('/login');

    // Signing in again is refused, with the reason.
    await managerPage.getByLabel('Username').fill('mgr-fr');
    await managerPage.getByLabel('Password').fill('manager password 1');
    await managerPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await managerPage.getByRole('alert').getByText('This account is disabled.').waitFor();

    // Enabled again, the manager signs in.
    await enable.click();
    await adminPage.getByRole('status').getByText('mgr-fr is enabled again.').waitFor();
    await signIn(managerPage, server.url, 'mgr-fr', 'manager password 1');
  });

  it('an administrator sets a new password: the old one and the open session stop working', async () => {
    await adminPage.getByRole('button', { name: 'Reset password… for mgr-fr' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'New password for mgr-fr' });
    await dialog.getByRole('button', { name: 'Generate a password' }).click();
    const password = await dialog.getByLabel('New password').inputValue();
    expect(password).toHaveLength(20);
    await dialog.getByRole('button', { name: 'Set the password' }).click();
    await adminPage.getByRole('status').getByText('The password of mgr-fr is set').waitFor();

    await managerPage.getByRole('link', { name: 'Certificates' }).click();
    await managerPage.getByText('Your session has expired. Please sign in again.').waitFor();
    await managerPage.getByLabel('Username').fill('mgr-fr');
    await managerPage.getByLabel('Password').fill('manager password 1');
    await managerPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await managerPage.getByRole('alert').getByText('The username or password is not right.').waitFor();
    await managerPage.getByLabel('Password').fill(password);
    await managerPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Back where the session ran out.
    await managerPage.getByRole('heading', { name: 'Certificates', level: 1 }).waitFor();
  });
});
