import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/test-app';

/** The built portal served by the API: its files, its client-side routes, and the API untouched. */
const dir = mkdtempSync(join(tmpdir(), 'enroll-portal-'));
let t: TestApp;

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Enroll portal</title><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("portal")');
  t = await startTestApp({ env: { ENROLL_PORTAL_DIR: dir } });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the portal under the API', () => {
  it('serves index.html at / and at client-side routes, revalidated on every load', async () => {
    for (const path of ['/', '/requests/42', '/certificates?status=valid']) {
      const response = await t.http().get(path).set('accept', 'text/html').expect(200);
      expect(response.text).toContain('Enroll portal');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves content-hashed assets as immutable', async () => {
    const response = await t.http().get('/assets/index-abc123.js').expect(200);
    expect(response.text).toBe('console.log("portal")');
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('leaves API paths to the API: an unknown one is a problem, never the portal page', async () => {
    const response = await t.http().get('/api/v1/nothing-here').set('accept', 'text/html,application/json').expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    await t.http().get('/health').expect(200).expect('content-type', /json/);
  });
});
