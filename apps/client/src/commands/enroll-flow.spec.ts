import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deviceFingerprint } from '../fingerprint';
import { makeTestCa } from '../test-support/test-ca';
import { StubApi, TOKEN } from '../test-support/stub-api';
import { cli, DEVICE, openssl, REQUESTER, scratch, type CliResult } from '../test-support/harness';

let stub: StubApi;
const files = scratch();
const home = files.path('home');
const store = files.path('etc-enroll-certs');
const FINGERPRINT = deviceFingerprint(DEVICE);
const enroll = (argv: readonly string[], now?: Date): Promise<CliResult> =>
  cli(home, argv, { env: { ENROLL_MACHINE_STORE: store }, ...(now ? { now: () => now } : {}) });
const SUBMIT = ['submit', '--locality', 'Paris', '--state', 'Ile-de-France', '--email', 'alice@laposte.example', '--phone', '+33 1 23 45 67 89', '--requested-by', REQUESTER];
const pkg = (): string => stub.config().packageId;

beforeAll(async () => {
  stub = await StubApi.start();
  expect((await enroll(['init', files.write('package.json', JSON.stringify(stub.config()))])).code).toBe(0);
});
afterAll(async () => {
  await stub.stop();
  files.cleanup();
});

describe('submit, status, get, test, subject, revoke against a stub of the API', () => {
  it('submits a workstation request named by the fingerprint, with the key made and kept here (0600)', async () => {
    const result = await enroll([...SUBMIT, '--description', 'Accounting PC, 2nd floor']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/The new certificate request has been submitted successfully for request Id 1\.\n$/);
    expect(result.stdout).toMatch(new RegExp(`Common name +${FINGERPRINT}`));
    expect(result.stderr).toMatch(/Generating the RSA-2048 key on this device/);
    const sent = stub.find(1);
    expect(sent).toMatchObject({ kind: 'workstation', commonName: FINGERPRINT, requestedBy: REQUESTER });
    expect(sent.body).toMatchObject({ device: DEVICE, phone: '+33 1 23 45 67 89', description: 'Accounting PC, 2nd floor' });
    expect(JSON.stringify(sent.body)).not.toMatch(/PRIVATE KEY/);
    const keyFile = join(home, 'requests', pkg(), '1', 'key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('lists every request across pages in the status table', async () => {
    expect((await enroll([...SUBMIT, '--description', 'Accounting PC, again'])).code).toBe(0);
    const server = await enroll([...SUBMIT, '--description', 'Web front', '--kind', 'server', '--cn', 'api.laposte.example', '--key-type', 'ec', '--json']);
    expect(server.code).toBe(0);
    expect(server.json<{ request: { id: number }; keyAlgorithm: string }>()).toMatchObject({ request: { id: 3 }, keyAlgorithm: 'EC-P256' });
    const status = await enroll(['status', '--requested-by', REQUESTER]);
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines[0]).toMatch(/^Request Id +Status +Common Name +Submission Date +Requested By +Download Date +Downloaded By +Enrollment Type$/);
    expect(lines.slice(2, 5).map((line) => line.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['3', 'Pending', 'api.laposte.example'],
      ['2', 'Pending', FINGERPRINT],
      ['1', 'Cancelled', FINGERPRINT],
    ]);
  });

  it('refuses a --cn for a workstation, whose name is its fingerprint (exit 2)', async () => {
    expect((await enroll([...SUBMIT, '--description', 'x', '--cn', 'pc.example.org'])).code).toBe(2);
    expect(stub.requests).toHaveLength(3);
  });

  it('shows pending, cancelled and rejected requests with their reasons', async () => {
    stub.reject(3, 'This server is not known to the centre.');
    const result = await enroll(['get', '--requested-by', REQUESTER]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Request Id 1 was cancelled: Superseded by request 2.');
    expect(result.stdout).toContain('Request Id 2 is waiting for approval (Pending).');
    expect(result.stdout).toContain('Request Id 3 was rejected: This server is not known to the centre.');
  });

  it('installs an approved certificate into the machine store, confirms it, and says so', async () => {
    await stub.approve(2);
    const result = await enroll(['get', '--requested-by', REQUESTER]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Certificate installed successfully for request Id 2.');
    expect(stub.find(2).status).toBe('Installed');
    const folder = join(store, 'request-2');
    expect(statSync(join(folder, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'bundle.p12')).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'cert.pem')).mode & 0o777).toBe(0o644);
    expect(openssl(['verify', '-CAfile', join(folder, 'chain.pem'), join(folder, 'cert.pem')]).stdout).toMatch(/cert.pem: OK/);
    const password = readFileSync(join(folder, 'bundle.p12.password'), 'utf8').trim();
    const p12 = openssl(['pkcs12', '-in', join(folder, 'bundle.p12'), '-passin', `pass:${password}`, '-nodes']);
    expect(p12.status).toBe(0);
    expect(p12.stdout).toContain(`subject=C = FR, ST = Ile-de-France, L = Paris, O = J1CFRA, OU = Workstation, CN = ${FINGERPRINT}`);

    const again = await enroll(['get', '--requested-by', REQUESTER]);
    expect(again.stdout).not.toContain('installed successfully');
    expect(stub.calls.filter((call) => call.endsWith('/installed'))).toHaveLength(1);
  });

  it('tests the installed certificate over mutual TLS', async () => {
    const result = await enroll(['test']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Connection to test connection service successful.\n');
  });

  it('prints the subject name in the Windows style and as RFC 4514', async () => {
    const both = await enroll(['subject', '--no-clipboard']);
    expect(both.code).toBe(0);
    expect(both.stdout).toBe(
      `Windows style: E=alice@laposte.example, CN=${FINGERPRINT}, OU=Workstation, O=J1CFRA, L=Paris, S=Ile-de-France, C=FR\n` +
        `RFC 4514:      1.2.840.113549.1.9.1=#1615616c696365406c61706f7374652e6578616d706c65,CN=${FINGERPRINT},OU=Workstation,O=J1CFRA,L=Paris,ST=Ile-de-France,C=FR\n`,
    );
    expect((await enroll(['subject', '2', '--format', 'windows', '--no-clipboard'])).stdout).toMatch(/^E=alice@laposte.example, CN=/);
    expect((await enroll(['subject', '1', '--no-clipboard'])).code).toBe(1);
  });

  it('reports what fails locally before calling the service', async () => {
    const expired = await enroll(['test', '--json'], new Date(Date.now() + 3 * 365 * 86_400_000));
    expect(expired.code).toBe(1);
    expect(expired.json()).toMatchObject({ ok: false, check: 'expired' });

    const keyFile = join(store, 'request-2', 'key.pem');
    const key = readFileSync(keyFile, 'utf8');
    writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const mismatch = await enroll(['test']);
    writeFileSync(keyFile, key);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toMatch(/^Test failed \(key-mismatch\): The installed key and certificate do not match/);

    const caFile = join(home, 'ca.pem');
    const chain = readFileSync(caFile, 'utf8');
    writeFileSync(caFile, (await makeTestCa()).chainPem);
    const unknown = await enroll(['test']);
    writeFileSync(caFile, chain);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/^Test failed \(unknown-issuer\): .*not issued by the CA chain/);
  });

  it('says when the test service is unreachable, with exit 3', async () => {
    const configFile = join(home, 'client.json');
    const config = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, config.replace(stub.config().urls.test, 'https://127.0.0.1:9/api/v1/enrollment/test'));
    const result = await enroll(['test']);
    writeFileSync(configFile, config);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^Test failed \(unreachable\): Cannot reach https:\/\/127.0.0.1:9\/api\/v1\/enrollment\/test: connection refused/);
  });

  it('revokes its own certificate over mutual TLS; the test service then says it is revoked', async () => {
    const result = await enroll(['revoke', '--reason', 'keyCompromise']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The certificate of request Id 2 has been revoked (reason: keyCompromise).\n');
    expect([...stub.revokedSerials.values()]).toEqual(['keyCompromise']);
    const test = await enroll(['test', '--request', '2', '--json']);
    expect(test.code).toBe(1);
    expect(test.json()).toMatchObject({ ok: false, check: 'revoked', code: 'CERTIFICATE_REVOKED' });
    expect((await enroll(['test'])).stdout).toMatch(/^Test failed \(none-installed\)/);
  });

  it('never writes key material or the token into the event log', () => {
    const log = readFileSync(join(home, 'events.log'), 'utf8');
    expect(log).toMatch(/"event":"installed"/);
    expect(log).toMatch(/"event":"revoked"/);
    const keyLines = readFileSync(join(home, 'requests', pkg(), '2', 'key.pem'), 'utf8').split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(5);
    for (const line of keyLines) {
      expect(log).not.toContain(line);
    }
    expect(log).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(log).not.toContain(TOKEN);
  });
});
