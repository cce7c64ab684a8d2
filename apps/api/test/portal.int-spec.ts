import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/test-app';

/** The built portal served by the API: its files, its client-side routes, and the API untouched. */
const dir = mkdtempSync(join(tmpdir(), 'enroll-portal-'));
let t: TestApp;
const SCRIPT = `console.log(${JSON.stringify('portal '.repeat(2000))});`;

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Enroll portal</title><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("portal")');
  writeFileSync(join(dir, 'assets', 'main-def456.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'main-def456.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(dir, 'assets', 'main-def456.js.gz'), gzipSync(SCRIPT));
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

  it("serves the build's brotli or gzip twin to a browser that accepts it, with the script's type", async () => {
    const br = await t.http().get('/assets/main-def456.js').set('accept-encoding', 'gzip, deflate, br').expect(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.text).toBe(SCRIPT);
    const gz = await t.http().get('/assets/main-def456.js').set('accept-encoding', 'gzip').expect(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.text).toBe(SCRIPT);
    const plain = await t.http().get('/assets/main-def456.js').set('accept-encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(SCRIPT);
  });

  it('leaves API paths to the API: an unknown one is a problem, never the portal page', async () => {
    const response = await t.http().get('/api/v1/nothing-here').set('accept', 'text/html,application/json').expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    await t.http().get('/health').expect(200).expect('content-type', /json/);
  });

  it('leaves the protocol doors to the API: SCEP and EST clients ask with */* or nothing', async () => {
    const caps = await t.http().get('/scep?operation=GetCACaps').set('accept', '*/*').expect(200);
    expect(caps.text).toMatch(/POSTPKIOperation/);
    const est = await t.http().get('/.well-known/est/cacerts').set('accept', '*/*');
    expect(est.text).not.toContain('<div id="root">');
  });
});
