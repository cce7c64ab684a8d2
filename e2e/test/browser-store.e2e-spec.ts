import { spawnSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientConfig, CreatedPackage, Wire } from '@enroll/contract';
import { chromium, type Browser } from 'playwright-core';
import { api, enrollAsync, startApiWithOrganization, type RunningApi } from './support';

/**
 * Issue 13: the built client installs a `user` package's certificate into the NSS database of a
 * HOME of the test's own ($HOME/.pki/nssdb, made by the client), and headless Chromium, with that
 * HOME, presents it by itself to the API's mutual-TLS test service. The client also trusted the
 * root CA there, so Chromium accepts the service's server certificate (issued by the same CA)
 * without being told to ignore certificate errors. AutoSelectCertificateForUrls is a managed
 * policy, machine-wide: the file is named for this run and removed afterwards (the tests run as
 * root, as certificate-sign-in.e2e-spec.ts does).
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-browser-store-'));
const home = join(work, 'home');
const POLICY_DIR = '/etc/chromium/policies/managed';
const policyFile = join(POLICY_DIR, `enroll-e2e-${randomBytes(4).toString('hex')}.json`);
const REQUESTER = 'WS-0042\\bob';

let server: RunningApi;
let admin: string;
let manager: string;
let browser: Browser | undefined;
let commonName = '';
let nickname = '';

const enroll = (args: string[]) => enrollAsync(home, [...args]);
const certutil = (args: string[]): string =>
  spawnSync('certutil', [...args, '-d', `sql:${join(home, '.pki/nssdb')}`], { encoding: 'utf8' }).stdout;
const listed = (): string => certutil(['-L']);
/** The serial number of the certificate `current` points to, as the test service says it. */
const currentSerial = (): string =>
  new X509Certificate(readFileSync(join(home, 'user-store', 'current', 'cert.pem'))).serialNumber;
const sameSerial = (a: string, b: string): boolean =>
  a.replace(/[^0-9a-f]/gi, '').toUpperCase() === b.replace(/[^0-9a-f]/gi, '').toUpperCase();

/** GET the test service in a fresh browser context: the certificate Chromium chose by itself. */
async function testServiceAnswer(): Promise<{ message: string; subject: string; serialNumber: string }> {
  // No ignoreHTTPSErrors: the service's certificate is trusted through the root the client added.
  const context = await browser!.newContext();
  try {
    const page = await context.newPage();
    const response = await page.goto(`https://127.0.0.1:${server.mtlsPort}/api/v1/enrollment/test`);
    expect(response?.status()).toBe(200);
    return JSON.parse(await page.locator('body').innerText()) as {
      message: string;
      subject: string;
      serialNumber: string;
    };
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  ({ server, admin, manager } = await startApiWithOrganization(join(work, 'api-data')));
  const created = await api<Wire<CreatedPackage>>(server.url, 'POST', '/api/v1/packages', admin, {
    organizationCode: 'J1CFRA',
    environment: 'Production',
    store: 'user',
    kinds: ['workstation'],
  });
  const config: ClientConfig = created.clientConfig;
  writeFileSync(join(work, 'user.json'), JSON.stringify(config));
  mkdirSync(home);
});

afterAll(async () => {
  rmSync(policyFile, { force: true });
  await browser?.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a user package’s certificate in the browser', () => {
  it('enroll get puts the certificate with its key and the trusted root into $HOME/.pki/nssdb', async () => {
    expect((await enroll(['init', join(work, 'user.json')])).status).toBe(0);
    const submitted = await enroll([
      'submit',
      '--key-type',
      'ec',
      '--locality',
      'Lyon',
      '--state',
      'Rhone',
      '--email',
      'bob@laposte.example',
      '--phone',
      '1',
      '--description',
      'Laptop, browser test',
      '--requested-by',
      REQUESTER,
    ]);
    expect(submitted.status).toBe(0);
    const id = Number(/request Id (\d+)\./.exec(submitted.stdout)?.[1]);
    commonName = /Common name +([0-9A-F]{60})\n/.exec(submitted.stdout)?.[1] ?? '';
    expect(commonName).not.toBe('');
    await api(server.url, 'POST', `/api/v1/requests/${id}/approve`, manager, {});

    const got = await enroll(['get', '--requested-by', REQUESTER]);
    expect(got.stderr).not.toContain('Warning');
    expect(got.status).toBe(0);
    nickname = `Enroll J1CFRA ${commonName}`;
    expect(got.stdout).toContain(`for Chromium and Firefox: "${nickname}" in ${join(home, '.pki/nssdb')}`);
    expect(listed()).toMatch(new RegExp(`${nickname} +u,u,u`));
    expect(listed()).toMatch(/Enroll Root CA +C,,/);
  });

  it('headless Chromium with that HOME presents it by itself to the mutual-TLS test service', async () => {
    mkdirSync(POLICY_DIR, { recursive: true });
    writeFileSync(
      policyFile,
      JSON.stringify({
        AutoSelectCertificateForUrls: [
          JSON.stringify({ pattern: `https://127.0.0.1:${server.mtlsPort}`, filter: { SUBJECT: { CN: commonName } } }),
        ],
      }),
    );
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      env: { ...process.env, HOME: home },
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
    });
    const body = await testServiceAnswer();
    expect(body.message).toBe('Connection to test connection service successful.');
    expect(body.subject).toContain(commonName);
    expect(sameSerial(body.serialNumber, currentSerial())).toBe(true);
  });

  it('after enroll renew, the database holds only the new certificate, and Chromium presents it', async () => {
    const before = currentSerial();
    const renewed = await enroll(['renew']);
    expect(renewed.stderr).not.toContain('Warning');
    expect(renewed.status).toBe(0);
    expect(renewed.stdout).toContain(
      `for Chromium and Firefox: "${nickname}" in ${join(home, '.pki/nssdb')} (replaces the previous one)`,
    );
    const after = currentSerial();
    expect(after).not.toBe(before);
    expect(
      listed()
        .split('\n')
        .filter((line) => line.startsWith(`${nickname} `)),
    ).toHaveLength(1);
    expect(certutil(['-K']).match(new RegExp(nickname, 'g'))).toHaveLength(1);
    expect(new X509Certificate(certutil(['-L', '-n', nickname, '-a'])).serialNumber).toBe(after);
    const body = await testServiceAnswer();
    expect(body.message).toBe('Connection to test connection service successful.');
    expect(sameSerial(body.serialNumber, after)).toBe(true);
  });
});
