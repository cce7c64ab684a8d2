import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..');
/** A statement that reads or writes one of the authority's tables. */
const STATEMENT = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|FROM|JOIN)\s+(certificates|revocations)\b/i;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sources(path);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the authority owns certificates and revocations', () => {
  it('no SQL outside apps/api/src/authority names either table', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(30);
    const offenders = files.filter(
      (file) => !relative(SRC, file).startsWith('authority/') && STATEMENT.test(readFileSync(file, 'utf8')),
    );
    expect(offenders.map((file) => relative(SRC, file))).toEqual([]);
  });

  it('would notice one', () => {
    expect(STATEMENT.test('SELECT der FROM certificates WHERE serial = $1')).toBe(true);
    expect(STATEMENT.test('INSERT INTO revocations (serial) VALUES ($1)')).toBe(true);
    expect(STATEMENT.test('the certificates of a request')).toBe(false);
  });
});
