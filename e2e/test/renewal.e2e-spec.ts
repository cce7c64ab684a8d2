import { spawn } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientConfig, CreatedPackage, RequestDetail, Wire } from '@enroll/contract';
import { ADMIN_PASSWORD, api, enrollAsync, openssl, startApi, type RunningApi } from './support';

/**
 * Day two with the built client (issue 11): a server certificate installed at `<store>/current`,
 * renewed over mutual TLS when due, at the same paths, which now serve the new certificate to the
 * mTLS test service (checked with curl); the hook ran; an interrupted renewal is finished by the
 * next `renew --if-due`.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-renewal-e2e-'));
const home = join(work, 'client');
const store = join(work, 'machine-store');
const current = join(store, 'current');
const REQUESTER = 'SRV-0001\\ops';
const CN = 'renew.laposte.example';
let server: RunningApi;
let admin: string;
let config: ClientConfig;

const run = (args: string[]): ReturnType<typeof enrollAsync> =>
  enrollAsync(home, args, { ENROLL_MACHINE_STORE: store });
const detail = (id: number): Promise<Wire<RequestDetail>> =>
  api<Wire<RequestDetail>>(server.url, 'GET', `/api/v1/requests/${id}`, admin);
/** `enroll submit` of a server request with an EC key and every field given, answered in JSON. */
const serverSubmission = (cn: string, description: string): string[] => [
  'submit',
  '--kind',
  'server',
  '--cn',
  cn,
  '--key-type',
  'ec',
  '--locality',
  'Paris',
  '--state',
  'IDF',
  '--email',
  'ops@laposte.example',
  '--phone',
  '+33 1',
  '--description',
  description,
  '--requested-by',
  REQUESTER,
  '--json',
];
const serialOf = (file: string): string => new X509Certificate(readFileSync(file)).serialNumber;

/** curl against the mTLS test service, with the files a service would be configured with. */
function curlTest(cert: string, key: string): Promise<{ serialNumber: string; message: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', [
      '-sS',
      '--fail',
      '--cacert',
      join(home, 'ca.pem'),
      '--cert',
      cert,
      '--key',
      key,
      config.urls.test,
    ]);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { serialNumber: string; message: string })
        : reject(new Error(`curl exited ${code}: ${err}`)),
    );
  });
}

beforeAll(async () => {
  server = await startApi(join(work, 'api-data'));
  admin = (
    await api<{ accessToken: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
  ).accessToken;
  await api(server.url, 'POST', '/api/v1/organizations', admin, {
    code: 'J1CFRA',
    name: 'France-LA POSTE',
    country: 'FR',
  });
  const created = await api<Wire<CreatedPackage>>(server.url, 'POST', '/api/v1/packages', admin, {
    organizationCode: 'J1CFRA',
    environment: 'Production',
    store: 'machine',
    kinds: ['server'],
  });
  config = created.clientConfig;
  writeFileSync(join(work, 'package.json'), JSON.stringify(config));
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('enroll renew', () => {
  const ids = { first: 0, renewed: 0, recovered: 0 };
  const serials = { first: '', renewed: '' };

  it('installs the first certificate at <store>/current, which curl presents to the test service', async () => {
    expect((await run(['init', join(work, 'package.json')])).status).toBe(0);
    const submitted = await run(serverSubmission(CN, 'Web front'));
    expect(submitted.status).toBe(0);
    ids.first = (JSON.parse(submitted.stdout) as { request: { id: number } }).request.id;
    await api(server.url, 'POST', `/api/v1/requests/${ids.first}/approve`, admin, {});
    const got = await run(['get', '--requested-by', REQUESTER]);
    expect(got.status).toBe(0);
    expect(got.stdout).toContain(
      `Certificate installed successfully for request Id ${ids.first}.\n  ${current} (cert.pem`,
    );
    expect(lstatSync(current).isSymbolicLink()).toBe(true);
    expect(readlinkSync(current)).toBe(`request-${ids.first}`);
    serials.first = serialOf(join(current, 'cert.pem'));
    expect((await curlTest(join(current, 'fullchain.pem'), join(current, 'key.pem'))).serialNumber).toBe(serials.first);
  });

  it('with --if-due does nothing while more than a third of the lifetime is left', async () => {
    const result = await run(['renew', '--if-due', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ renewed: false, due: false, requestId: ids.first });
    expect((await run(['renew', '--if-due'])).stdout).toMatch(
      new RegExp(
        `^Not due: the certificate of request Id ${ids.first} is valid until .* \\(396 days left\\); it will be renewed from `,
      ),
    );
    expect(readlinkSync(current)).toBe(`request-${ids.first}`);
    expect((await detail(ids.first)).status).toBe('Installed');
  });

  it('renews when due (threshold 100%), at the same paths, which now serve the new certificate; the hook ran', async () => {
    const hookOut = join(work, 'hook.out');
    const t0 = performance.now();
    const result = await run([
      'renew',
      '--if-due',
      '--renew-when-remaining',
      '100%',
      '--exec',
      `printf '%s %s %s' "$ENROLL_REQUEST_ID" "$ENROLL_SERIAL" "$ENROLL_FULLCHAIN" > '${hookOut}'`,
    ]);
    const wall = performance.now() - t0;
    expect(result.stderr).not.toMatch(/Error|Warning/);
    expect(result.status).toBe(0);
    ids.renewed = Number(/^Certificate renewed: request Id (\d+) replaces request Id (\d+)\./.exec(result.stdout)?.[1]);
    expect(result.stdout).toContain(`replaces request Id ${ids.first}.`);
    expect(readlinkSync(current)).toBe(`request-${ids.renewed}`);
    serials.renewed = serialOf(join(current, 'cert.pem'));
    expect(serials.renewed).not.toBe(serials.first);
    // The same two paths a service was configured with, now the new pair.
    expect((await curlTest(join(current, 'fullchain.pem'), join(current, 'key.pem'))).serialNumber).toBe(
      serials.renewed,
    );
    expect(readFileSync(hookOut, 'utf8')).toBe(`${ids.renewed} ${serials.renewed} ${join(current, 'fullchain.pem')}`);
    // A new key, the same subject; the previous certificate stays in its folder and stays valid.
    const [oldCert, newCert] = [join(store, `request-${ids.first}`, 'cert.pem'), join(current, 'cert.pem')].map(
      (f) => new X509Certificate(readFileSync(f)),
    );
    expect(newCert?.subject).toBe(oldCert?.subject);
    expect(newCert?.publicKey.export({ type: 'spki', format: 'pem' })).not.toBe(
      oldCert?.publicKey.export({ type: 'spki', format: 'pem' }),
    );
    expect(
      (
        await curlTest(
          join(store, `request-${ids.first}`, 'fullchain.pem'),
          join(store, `request-${ids.first}`, 'key.pem'),
        )
      ).serialNumber,
    ).toBe(serials.first);
    expect(await detail(ids.renewed)).toMatchObject({ status: 'Installed', renewalOf: ids.first, commonName: CN });
    expect(openssl(['verify', '-CAfile', join(home, 'ca.pem'), join(current, 'cert.pem')]).stdout).toMatch(/OK/);
    const status = await run(['status', '--requested-by', REQUESTER]);
    expect(status.stdout.split('\n')[0]).toMatch(/Enrollment Type +Kind +Expires$/);
    expect(status.stdout).toMatch(
      new RegExp(
        `^ +${ids.renewed} +Installed +${CN.replace(/\./g, '\\.')} .* \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`,
        'm',
      ),
    );
    process.stderr.write(`enroll renew (EC P-256, whole process, hook included): ${wall.toFixed(0)} ms\n`);
  });

  it('finishes a renewal whose answer an interruption lost: the next renew --if-due installs it', async () => {
    // What `enroll renew` leaves when the power goes after the service answered: the new key and
    // its marker in a pending folder, the request issued on the server, nothing installed.
    const pending = join(home, 'requests', config.packageId, '.pending-0123456789ab');
    mkdirSync(pending, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(pending, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(
      join(pending, 'renewal.json'),
      JSON.stringify({
        renewalOf: ids.renewed,
        kind: 'server',
        commonName: CN,
        keyAlgorithm: 'EC-P256',
        requestedBy: REQUESTER,
        at: new Date().toISOString(),
      }),
    );
    const csr = openssl(['req', '-new', '-key', join(pending, 'key.pem'), '-subj', `/CN=${CN}`]).stdout;
    const answer = await new Promise<string>((resolve, reject) => {
      const child = spawn('curl', [
        '-sS',
        '--cacert',
        join(home, 'ca.pem'),
        '--cert',
        join(current, 'fullchain.pem'),
        '--key',
        join(current, 'key.pem'),
        '-H',
        'content-type: application/json',
        '--data-binary',
        '@-',
        config.urls.renew,
      ]);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}`))));
      child.stdin.end(JSON.stringify({ csr }));
    });
    ids.recovered = (JSON.parse(answer) as { id: number; status: string }).id;
    expect((await detail(ids.recovered)).status).toBe('Approved');

    const result = await run(['renew', '--if-due']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `Certificate installed successfully for request Id ${ids.recovered} (an interrupted renewal, finished now).`,
    );
    expect(existsSync(pending)).toBe(false);
    expect(readlinkSync(current)).toBe(`request-${ids.recovered}`);
    expect(await detail(ids.recovered)).toMatchObject({ status: 'Installed', renewalOf: ids.renewed });
    expect((await curlTest(join(current, 'fullchain.pem'), join(current, 'key.pem'))).serialNumber).toBe(
      serialOf(join(current, 'cert.pem')),
    );
    // Nothing left to finish: the next run is an ordinary "not due".
    expect((await run(['renew', '--if-due'])).stdout).toMatch(
      new RegExp(`^Not due: the certificate of request Id ${ids.recovered} `),
    );
  });

  it('refuses a renewal of a revoked certificate with the reason, and keeps what is installed', async () => {
    // Revoked by the centre: the device learns it from the renewal service's refusal.
    await api(server.url, 'POST', `/api/v1/requests/${ids.recovered}/revoke`, admin, { reason: 'superseded' });
    const result = await run(['renew']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/revoked/i);
    expect(readlinkSync(current)).toBe(`request-${ids.recovered}`);
  });
});

describe('enroll renew, when the package asks for a person', () => {
  const approvalHome = join(work, 'client-approval');
  const approvalStore = join(work, 'store-approval');
  const runHere = (args: string[]): ReturnType<typeof enrollAsync> =>
    enrollAsync(approvalHome, args, { ENROLL_MACHINE_STORE: approvalStore });
  const SERVER_CN = 'approve.laposte.example';
  let first = 0;

  it('submits the renewal, waits for the approval without sending it twice, then installs it at the same paths', async () => {
    const created = await api<Wire<CreatedPackage>>(server.url, 'POST', '/api/v1/packages', admin, {
      organizationCode: 'J1CFRA',
      environment: 'Production',
      store: 'machine',
      kinds: ['server'],
      renewal: 'approval',
    });
    writeFileSync(join(work, 'package-approval.json'), JSON.stringify(created.clientConfig));
    expect((await runHere(['init', join(work, 'package-approval.json')])).status).toBe(0);
    const submitted = await runHere(serverSubmission(SERVER_CN, 'Approved renewals'));
    expect(submitted.status).toBe(0);
    first = (JSON.parse(submitted.stdout) as { request: { id: number } }).request.id;
    await api(server.url, 'POST', `/api/v1/requests/${first}/approve`, admin, {});
    expect((await runHere(['get', '--requested-by', REQUESTER])).status).toBe(0);
    const here = join(approvalStore, 'current');
    const firstSerial = serialOf(join(here, 'cert.pem'));

    // 202: the renewal waits; nothing changes on the device.
    const asked = await runHere(['renew', '--json']);
    expect(asked.status).toBe(0);
    const pending = JSON.parse(asked.stdout) as { renewed: boolean; pending: number; status: string };
    expect(pending).toMatchObject({ renewed: false, status: 'Pending' });
    expect(await detail(pending.pending)).toMatchObject({ status: 'Pending', renewalOf: first, commonName: SERVER_CN });
    expect(readlinkSync(here)).toBe(`request-${first}`);

    // Asked again (a daily timer): the same request is still waiting, no second one is sent.
    const again = await runHere(['renew']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(
      `Renewal request Id ${pending.pending} of request Id ${first} is waiting for approval`,
    );
    const renewals = await api<{ items: { id: number; renewalOf: number | null }[] }>(
      server.url,
      'GET',
      `/api/v1/requests?q=${encodeURIComponent(SERVER_CN)}&status=Pending`,
      admin,
    );
    expect(renewals.items.filter((r) => r.renewalOf === first).map((r) => r.id)).toEqual([pending.pending]);

    // Approved by a person: the next timer run installs it at the same paths.
    await api(server.url, 'POST', `/api/v1/requests/${pending.pending}/approve`, admin, {});
    const installed = await runHere(['renew', '--if-due']);
    expect(installed.status).toBe(0);
    expect(readlinkSync(here)).toBe(`request-${pending.pending}`);
    const renewedSerial = serialOf(join(here, 'cert.pem'));
    expect(renewedSerial).not.toBe(firstSerial);
    expect((await curlTest(join(here, 'fullchain.pem'), join(here, 'key.pem'))).serialNumber).toBe(renewedSerial);
    expect(await detail(pending.pending)).toMatchObject({ status: 'Installed', renewalOf: first });
  });
});
