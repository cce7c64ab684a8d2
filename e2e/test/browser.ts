/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: the DOM types describe it there.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './support';

/** Where the portal's screenshots go; `.ci/run` lists this folder in its log. */
export const SCREENSHOTS = process.env.ENROLL_SCREENSHOTS ?? join(ROOT, 'artifacts/screenshots');

/** Debian's Chromium, headless, with no calls home (this machine's network is closed). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The sign-in form's words and the queue's title, per language. */
const WORDS = {
  en: { username: 'Username', password: 'Password', submit: 'Sign in', queue: 'Review queue' },
  fr: { username: 'Identifiant', password: 'Mot de passe', submit: 'Se connecter', queue: 'File de validation' },
} as const;

/** Signs in through the form, as a person would, and waits for the queue. */
export async function signIn(
  page: Page,
  base: string,
  username: string,
  password: string,
  language: keyof typeof WORDS = 'en',
): Promise<void> {
  const words = WORDS[language];
  await page.goto(`${base}/login`);
  await page.getByLabel(words.username).fill(username);
  await page.getByLabel(words.password).fill(password);
  await page.getByRole('button', { name: words.submit }).click();
  await page.getByRole('heading', { name: words.queue, level: 1 }).waitFor();
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical violations on the page as it is (WCAG 2.1 A and AA rules),
 * as `rule: help (selectors)` lines: an empty list passes.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    // Evaluated over the DevTools protocol: the portal's CSP (script-src 'self') rightly refuses an injected tag.
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  }
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }))
      .violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    );
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
}
