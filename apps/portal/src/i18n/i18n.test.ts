import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import { detectLanguage } from './index';

type Tree = { readonly [key: string]: string | Tree };

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? sources(path)
      : /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)
        ? [path]
        : [];
  });
}

const english = new Set(keys(en));
/** Plural forms: `x_one` and `x_other` answer `t('x', { count })`. */
const known = (key: string) => english.has(key) || english.has(`${key}_one`);

describe('the translations', () => {
  it('give French every English key, and no other', () => {
    expect(keys(fr).sort()).toEqual(keys(en).sort());
  });

  it('leave no French text empty', () => {
    const values = (tree: Tree): string[] =>
      Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : values(v)));
    expect(values(fr).filter((v) => v.trim() === '')).toEqual([]);
  });

  it('hold every key the code asks for, literal or by prefix (a missing key fails here)', () => {
    const root = join(__dirname, '..');
    const missing: string[] = [];
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) {
        if (!known(match[1]!)) {
          missing.push(`${file}: ${match[1]}`);
        }
      }
      // t(`kind.${x}`): some key must exist under the prefix.
      for (const match of text.matchAll(/\bt\(\s*`([a-zA-Z0-9_.-]+)\.\$\{/g)) {
        if (![...english].some((k) => k.startsWith(`${match[1]}.`))) {
          missing.push(`${file}: ${match[1]}.*`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('read French from any fr-* browser language, English otherwise, and a stored choice first', () => {
    expect(detectLanguage(null, ['fr-FR', 'en-US'])).toBe('fr');
    expect(detectLanguage(null, ['fr-CA'])).toBe('fr');
    expect(detectLanguage(null, ['de-DE', 'fr-BE'])).toBe('fr');
    expect(detectLanguage(null, ['en-GB', 'fr-FR'])).toBe('en');
    expect(detectLanguage(null, ['de-DE'])).toBe('en');
    expect(detectLanguage('en', ['fr-FR'])).toBe('en');
  });
});
