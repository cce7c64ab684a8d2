import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, enroll, externalCsr, openssl, startApiWithOrganization, type RunningApi } from './support';

/**
 * The device side end to end: the built `enroll` binary against the built API on PostgreSQL.
 * An administrator prepares the organization and package over HTTP, as the portal would.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-e2e-'));
const home = join(work, 'client');
let server: RunningApi;
let admin: string;
let manager: string;

beforeAll(async () => {
  ({ server, admin, manager } = await startApiWithOrganization(join(work, 'api-data')));
  const created = await api<{ clientConfig: unknown }>(server.url, 'POST', '/api/v1/packages', admin, {
    organizationCode: 'J1CFRA',
    environment: 'Production',
    store: 'machine',
    kinds: ['workstation', 'server', 'external'],
  });
  writeFileSync(join(work, 'package.json'), JSON.stringify(created.clientConfig));
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

const DETAILS = [
  '--locality',
  'Paris',
  '--state',
  'Ile-de-France',
  '--email',
  'it@laposte.example',
  '--phone',
  '+33 1 00',
  '--description',
  'Front desk PC',
];
const OTHER_SERVER = [
  '--fqdn',
  'other.laposte.example',
  '--mac',
  '00:11:22:33:44:55',
  '--nic',
  'eth0',
  '--processor-id',
  'BFEBFBFF000906EA',
  '--os-version',
  'Debian 12',
  '--os-type',
  '64',
  '--phone',
  '+33 1 00',
  '--description',
  'partner gateway',
];

const submittedId = (stdout: string): number =>
  Number(/submitted successfully for request Id (\d+)\./.exec(stdout)?.[1]);

describe('enroll against the real API', () => {
  let workstationId = 0;

  it('init loads the package file; info shows the environment and URLs (https: the TLS port)', () => {
    const init = enroll(home, ['init', join(work, 'package.json')]);
    expect(init.status).toBe(0);
    const info = enroll(home, ['info']);
    expect(info.status).toBe(0);
    expect(info.stdout).toContain('Production');
    expect(info.stdout).toContain(`https://127.0.0.1:${server.mtlsPort}/api/v1/enrollment/requests`);
    expect(info.stdout).toContain(`https://127.0.0.1:${server.mtlsPort}/pki/ca.pem`);
  });

  it('submit makes the key on the device and answers with the request id', () => {
    const result = enroll(home, ['submit', ...DETAILS]);
    expect(result.stderr + result.stdout).toMatch(
      /The new certificate request has been submitted successfully for request Id \d+\./,
    );
    expect(result.status).toBe(0);
    workstationId = submittedId(result.stdout);
    expect(workstationId).toBeGreaterThan(0);
  });

  it('the manager approves; get installs and confirms; the certificate verifies with openssl', async () => {
    await api(server.url, 'POST', `/api/v1/requests/${workstationId}/approve`, manager, {});
    const result = enroll(home, ['get']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Certificate installed successfully for request Id ${workstationId}.`);
    const status = await api<{ status: string }>(server.url, 'GET', `/api/v1/requests/${workstationId}`, manager);
    expect(status.status).toBe('Installed');
    const folder = join(home, 'machine-store', `request-${workstationId}`);
    writeFileSync(join(work, 'ca.pem'), await (await fetch(`${server.url}/pki/ca.pem`)).text());
    expect(
      openssl(['verify', '-x509_strict', '-CAfile', join(work, 'ca.pem'), join(folder, 'cert.pem')]).stdout,
    ).toMatch(/OK/);
    const keyMatches =
      openssl(['pkey', '-in', join(folder, 'key.pem'), '-pubout']).stdout ===
      openssl(['x509', '-in', join(folder, 'cert.pem'), '-noout', '-pubkey']).stdout;
    expect(keyMatches).toBe(true);
  });

  it('subject prints what openssl x509 -subject shows', () => {
    const result = enroll(home, ['subject', String(workstationId), '--format', 'rfc4514']);
    expect(result.status).toBe(0);
    const cert = join(home, 'machine-store', `request-${workstationId}`, 'cert.pem');
    const expected = openssl(['x509', '-in', cert, '-noout', '-subject', '-nameopt', 'RFC2253'])
      .stdout.trim()
      .replace(/^subject=/, '');
    // openssl writes emailAddress by name; RFC 4514 requires its OID and DER value, so compare the rest.
    const strip = (s: string): string =>
      s
        .split(',')
        .filter((p) => !/^(emailAddress|1\.2\.840\.113549\.1\.9\.1)=/.test(p))
        .join(',');
    expect(strip(result.stdout.trim().split('\n').pop() ?? '')).toBe(strip(expected));
    const windows = enroll(home, ['subject', String(workstationId), '--format', 'windows']);
    expect(windows.stdout).toMatch(/CN=[0-9A-F]+, OU=Workstation, O=J1CFRA, L=Paris, S=Ile-de-France, C=FR/);
  });

  it('resubmitting cancels the older request, as status shows', () => {
    const first = submittedId(enroll(home, ['submit', ...DETAILS]).stdout);
    const second = submittedId(enroll(home, ['submit', ...DETAILS]).stdout);
    expect(second).toBeGreaterThan(first);
    const status = enroll(home, ['status', '--json']);
    expect(status.status).toBe(0);
    const rows = JSON.parse(status.stdout) as unknown;
    const list = (Array.isArray(rows) ? rows : ((rows as { requests?: unknown[] }).requests ?? [])) as {
      id: number;
      status: string;
    }[];
    expect(list.find((r) => r.id === first)?.status).toBe('Cancelled');
    expect(list.find((r) => r.id === second)?.status).toBe('Pending');
    expect(enroll(home, ['status']).stdout).toMatch(/Cancelled/);
  });

  it('an external CSR from openssl req is submitted, approved, downloaded into the environment folder, and verifies', async () => {
    const csrFile = externalCsr(join(work, 'other'), '/CN=other.laposte.example').csr;
    const submitted = enroll(home, ['external', '--csr', csrFile, ...OTHER_SERVER]);
    expect(submitted.status).toBe(0);
    const id = submittedId(submitted.stdout);
    await api(server.url, 'POST', `/api/v1/requests/${id}/approve`, admin, {});
    const got = enroll(home, ['get']);
    // The previous test's cancellation is said here for the first time, and is no failure (exit 0):
    // the requester's own resubmission made it.
    expect(got.status).toBe(0);
    expect(got.stdout).toMatch(/was cancelled: Superseded by request/);
    const folder = join(home, 'config', 'Production');
    const saved = readdirSync(folder).find((f) => f.endsWith('.pem') || f.endsWith('.crt') || f.endsWith('.cer'));
    expect(saved).toBeDefined();
    const verified = openssl([
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-CAfile',
      join(work, 'ca.pem'),
      join(folder, saved ?? ''),
    ]);
    expect(verified.stdout).toMatch(/OK/);
    const after = await api<{ status: string; downloadedBy: string | null }>(
      server.url,
      'GET',
      `/api/v1/requests/${id}`,
      admin,
    );
    expect(after.status).toBe('Downloaded');
    expect(after.downloadedBy).toBeTruthy();
  });

  it('refuses locally an external CSR without serverAuth, naming the expected value', () => {
    const csrFile = join(work, 'bad.csr');
    openssl([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(work, 'bad.key'),
      '-subj',
      '/CN=bad.laposte.example',
      '-out',
      csrFile,
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment',
      '-addext',
      'extendedKeyUsage=clientAuth',
    ]);
    const result = enroll(home, ['external', '--csr', csrFile, ...OTHER_SERVER]);
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/serverAuth/);
  });

  it('test succeeds over mutual TLS, and says the certificate is revoked right after a manager revokes it', async () => {
    const ok = enroll(home, ['test']);
    expect(ok.stdout + ok.stderr).toContain('Connection to test connection service successful.');
    expect(ok.status).toBe(0);
    await api(server.url, 'POST', `/api/v1/requests/${workstationId}/revoke`, manager, { reason: 'keyCompromise' });
    const refused = enroll(home, ['test']);
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/revoked/i);
  });

  it('revoke: the device revokes its own certificate over mutual TLS', async () => {
    const id = submittedId(enroll(home, ['submit', ...DETAILS]).stdout);
    await api(server.url, 'POST', `/api/v1/requests/${id}/approve`, manager, {});
    expect(enroll(home, ['get']).stdout).toContain(`Certificate installed successfully for request Id ${id}.`);
    expect(enroll(home, ['test']).status).toBe(0);
    const revoked = enroll(home, ['revoke', '--reason', 'cessationOfOperation']);
    expect(revoked.status).toBe(0);
    const after = await api<{ status: string; history: { actorType: string }[] }>(
      server.url,
      'GET',
      `/api/v1/requests/${id}`,
      manager,
    );
    expect(after.status).toBe('Revoked');
    expect(after.history.at(-1)?.actorType).toBe('device');
  });

  it('keeps an event log without key material', () => {
    const log = readFileSync(join(home, 'events.log'), 'utf8');
    expect(log).toMatch(/submit/);
    expect(log).not.toMatch(/PRIVATE KEY|enr_[A-Za-z0-9_-]{20}/);
  });
});
