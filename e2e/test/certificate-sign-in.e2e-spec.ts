import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { screenshot } from './browser';
import { api, startApiWithOrganization, type RunningApi } from './support';

/**
 * Issue 15: a manager signs in to the portal with the PKCS #12 user certificate an administrator
 * issued, in Chromium, on the mutual-TLS port. The certificate goes into an NSS database under a
 * HOME of the test's own (where Chromium on Linux looks for client certificates), and a managed
 * policy (AutoSelectCertificateForUrls) lets Chromium present it without asking. Policies are
 * machine-wide, so the file is named for this run and removed afterwards; the tests run as root.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-certificate-sign-in-'));
const home = join(work, 'home');
const nssdb = `sql:${join(home, '.pki/nssdb')}`;
const POLICY_DIR = '/etc/chromium/policies/managed';
const policyFile = join(POLICY_DIR, `enroll-e2e-${randomBytes(4).toString('hex')}.json`);
const P12_PASSWORD = 'p12 password 1';

let server: RunningApi;
let admin: string;
let browser: Browser;
let page: Page;
let serial: string;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, HOME: home } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')}: ${result.stderr || result.stdout}`);
  }
}

beforeAll(async () => {
  ({ server, admin } = await startApiWithOrganization(join(work, 'api-data')));
  const users = await api<{ id: string; username: string }[]>(server.url, 'GET', '/api/v1/users', admin);
  const id = users.find((u) => u.username === 'mgr-fr')!.id;
  const issued = await fetch(`${server.url}/api/v1/users/${id}/certificate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: P12_PASSWORD }),
  });
  expect(issued.status).toBe(200);
  const p12 = join(work, 'mgr-fr.p12');
  writeFileSync(p12, Buffer.from(await issued.arrayBuffer()));
  serial = (await api<{ serialNumber: string }[]>(server.url, 'GET', `/api/v1/users/${id}/certificates`, admin))[0]!
    .serialNumber;

  mkdirSync(join(home, '.pki/nssdb'), { recursive: true });
  run('certutil', ['-N', '-d', nssdb, '--empty-password']);
  run('pk12util', ['-i', p12, '-d', nssdb, '-W', P12_PASSWORD]);

  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(
    policyFile,
    JSON.stringify({
      AutoSelectCertificateForUrls: [
        JSON.stringify({ pattern: `https://127.0.0.1:${server.mtlsPort}`, filter: { SUBJECT: { CN: 'mgr-fr' } } }),
      ],
    }),
  );

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    env: { ...process.env, HOME: home },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  // The mTLS port's server certificate is issued by the test's own CA, which this browser does not trust.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
  page = await context.newPage();
});

afterAll(async () => {
  rmSync(policyFile, { force: true });
  await browser.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

afterEach(async () => {
  await screenshot(page, `certificate-sign-in-${String(expect.getState().currentTestName?.length ?? 0)}`);
});

describe('signing in with the manager certificate in Chromium', () => {
  it('opens a session on the mutual-TLS port with the certificate the browser presents', async () => {
    await page.goto(`https://127.0.0.1:${server.mtlsPort}/login`);
    await page.getByRole('button', { name: 'Sign in with my certificate' }).click();
    await page.getByRole('heading', { name: 'Review queue', level: 1 }).waitFor();
    await page.getByText('mgr-fr · Manager of J1CFRA').waitFor();
  });

  it('once the certificate is revoked, the open session ends on the next action and the certificate is refused', async () => {
    await api(server.url, 'POST', `/api/v1/certificates/${serial}/revoke`, admin, { reason: 'keyCompromise' });
    await page.getByRole('link', { name: 'Certificates' }).click();
    await page.getByText('Your session has expired. Please sign in again.').waitFor();
    await page.getByRole('button', { name: 'Sign in with my certificate' }).click();
    await page.getByRole('alert').getByText('Your certificate was refused. This certificate is revoked.').waitFor();
  });
});
