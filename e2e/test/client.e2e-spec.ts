import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateView, ClientConfig, CreatedPackage, RequestDetail, Wire } from '@enroll/contract';
import { api, enroll, externalCsr, openssl, startApiWithOrganization, type RunningApi } from './support';

/**
 * The enroll client's commands one by one, the built binary against the built API on PostgreSQL:
 * what it sends, what it writes on the device, and what it makes of every answer. Three packages
 * of one organization: a machine store (workstation, server, external), a user store, and one
 * for external requests. Managers decide workstation requests; the administrator the others.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-client-e2e-'));
const REQUESTER = 'WS-0042\\alice';
let server: RunningApi;
let admin: string;
let manager: string;

type Detail = Wire<RequestDetail>;
const detail = (id: number): Promise<Detail> => api<Detail>(server.url, 'GET', `/api/v1/requests/${id}`, admin);
const decide = (token: string, id: number, action: 'approve' | 'reject', body: object = {}): Promise<unknown> =>
  api(server.url, 'POST', `/api/v1/requests/${id}/${action}`, token, body);

async function createPackage(store: 'machine' | 'user', kinds: string[]): Promise<ClientConfig> {
  const created = await api<Wire<CreatedPackage>>(server.url, 'POST', '/api/v1/packages', admin, {
    organizationCode: 'J1CFRA',
    environment: 'Production',
    store,
    kinds,
  });
  return created.clientConfig;
}

const submittedId = (stdout: string): number =>
  Number(/submitted successfully for request Id (\d+)\./.exec(stdout)?.[1]);

beforeAll(async () => {
  ({ server, admin, manager } = await startApiWithOrganization(join(work, 'api-data')));
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a machine-store package: submit, status, get, test, subject, revoke', () => {
  const home = join(work, 'machine');
  const store = join(home, 'machine-store');
  const run = (args: string[]): ReturnType<typeof enroll> => enroll(home, args);
  const SUBMIT = [
    'submit',
    '--locality',
    'Paris',
    '--state',
    'Ile-de-France',
    '--email',
    'alice@laposte.example',
    '--phone',
    '+33 1 23 45 67 89',
    '--requested-by',
    REQUESTER,
  ];
  let config: ClientConfig;
  const ids = { first: 0, second: 0, server: 0 };
  let commonName = '';

  beforeAll(async () => {
    config = await createPackage('machine', ['workstation', 'server', 'external']);
    writeFileSync(join(work, 'machine.json'), JSON.stringify(config));
  });

  it('init keeps the token private and saves the CA chain the API serves, with its fingerprints', async () => {
    const init = run(['init', join(work, 'machine.json')]);
    expect(init.status).toBe(0);
    expect(init.stdout).toMatch(/The enrollment package has been loaded/);
    expect(init.stdout).toMatch(/SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(statSync(join(home, 'client.json')).mode & 0o777).toBe(0o600);
    const served = await (await fetch(`${server.url}/pki/ca.pem`)).text();
    expect(readFileSync(join(home, 'ca.pem'), 'utf8').replace(/\s+/g, '')).toBe(served.replace(/\s+/g, ''));
    const info = run(['info']);
    expect(info.stdout).toContain(config.urls.test);
    expect(info.stdout).toContain(store);
    expect(info.stdout).not.toContain(config.token);
    const json = JSON.parse(run(['info', '--json']).stdout) as { urls: { revoke: string }; token?: string };
    expect(json.urls.revoke).toBe(config.urls.revoke);
    expect(json.token).toBeUndefined();
  });

  it('submits a workstation request named by the fingerprint, with the key made and kept here (0600)', async () => {
    const result = run([...SUBMIT, '--description', 'Accounting PC, 2nd floor']);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/Generating the RSA-2048 key on this device/);
    ids.first = submittedId(result.stdout);
    expect(result.stdout).toMatch(
      new RegExp(`The new certificate request has been submitted successfully for request Id ${ids.first}\\.\\n$`),
    );
    // MAC (12) + processor id (16) + NIC id (32), the original client's form.
    commonName = /Common name +([0-9A-F]{60})\n/.exec(result.stdout)?.[1] ?? '';
    expect(commonName).not.toBe('');
    const sent = await detail(ids.first);
    expect(sent).toMatchObject({
      kind: 'workstation',
      status: 'Pending',
      commonName,
      requestedBy: REQUESTER,
      phone: '+33 1 23 45 67 89',
      description: 'Accounting PC, 2nd floor',
    });
    expect(Object.keys(sent.device).sort()).toEqual([
      'fqdn',
      'macAddress',
      'machineName',
      'nicId',
      'osType',
      'osVersion',
      'processorId',
    ]);
    expect(JSON.stringify(sent)).not.toMatch(/PRIVATE KEY/);
    const keyFile = join(home, 'requests', config.packageId, String(ids.first), 'key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('lists the requester’s requests in the status table, newest first; a resubmission cancels the older one', () => {
    ids.second = submittedId(run([...SUBMIT, '--description', 'Accounting PC, again']).stdout);
    const serverRequest = run([
      ...SUBMIT,
      '--description',
      'Web front',
      '--kind',
      'server',
      '--cn',
      'api.laposte.example',
      '--key-type',
      'ec',
      '--json',
    ]);
    expect(serverRequest.status).toBe(0);
    const submitted = JSON.parse(serverRequest.stdout) as {
      request: { id: number; status: string; kind: string };
      keyAlgorithm: string;
    };
    expect(submitted).toMatchObject({ request: { status: 'Pending', kind: 'server' }, keyAlgorithm: 'EC-P256' });
    ids.server = submitted.request.id;
    const status = run(['status', '--requested-by', REQUESTER]);
    expect(status.status).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^Request Id +Status +Common Name +Submission Date +Requested By +Download Date +Downloaded By +Enrollment Type +Kind$/,
    );
    expect(lines.slice(2, 5).map((line) => line.trim().split(/\s+/).slice(0, 3))).toEqual([
      [String(ids.server), 'Pending', 'api.laposte.example'],
      [String(ids.second), 'Pending', commonName],
      [String(ids.first), 'Cancelled', commonName],
    ]);
    expect(lines[5]).toBe('(3 requests; dates in UTC)');
  });

  it('shows pending, cancelled and rejected requests with the reasons the API gives', async () => {
    await decide(admin, ids.server, 'reject', { reason: 'This server is not known to the centre.' });
    const result = run(['get', '--requested-by', REQUESTER]);
    // 4: something to act on was said for the first time (a timer or script notices).
    expect(result.status).toBe(4);
    expect(result.stdout).toContain(`Request Id ${ids.first} was cancelled: Superseded by request ${ids.second}.`);
    expect(result.stdout).toContain(`Request Id ${ids.second} is waiting for approval (Pending).`);
    expect(result.stdout).toContain(`Request Id ${ids.server} was rejected: This server is not known to the centre.`);
    // Said once: the next run reports what changed only.
    const again = run(['get', '--requested-by', REQUESTER]);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toMatch(/was cancelled|was rejected/);
    expect(again.stdout).toContain(`Request Id ${ids.second} is waiting for approval (Pending).`);
  });

  it('installs an approved certificate into the machine store, confirms it once, and says so', async () => {
    await decide(manager, ids.second, 'approve');
    const result = run(['get', '--requested-by', REQUESTER]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Certificate installed successfully for request Id ${ids.second}.`);
    expect((await detail(ids.second)).status).toBe('Installed');
    const folder = join(store, `request-${ids.second}`);
    expect(statSync(join(folder, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'bundle.p12')).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'cert.pem')).mode & 0o777).toBe(0o644);
    expect(
      openssl(['verify', '-x509_strict', '-CAfile', join(folder, 'chain.pem'), join(folder, 'cert.pem')]).stdout,
    ).toMatch(/cert.pem: OK/);
    const password = readFileSync(join(folder, 'bundle.p12.password'), 'utf8').trim();
    const p12 = openssl(['pkcs12', '-in', join(folder, 'bundle.p12'), '-passin', `pass:${password}`, '-nodes']);
    expect(p12.status).toBe(0);
    expect(p12.stdout).toContain(
      `subject=C = FR, ST = Ile-de-France, L = Paris, O = J1CFRA, OU = Workstation, CN = ${commonName}`,
    );

    // Installed and present: nothing to do, and no second confirmation (the API would refuse it: 409).
    const again = run(['get', '--requested-by', REQUESTER]);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('installed successfully');
    expect((await detail(ids.second)).history.filter((entry) => entry.status === 'Installed')).toHaveLength(1);
  });

  it('tests the installed certificate over mutual TLS and reads the service’s answer', () => {
    const result = run(['test']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('Connection to test connection service successful.\n');
    const json = JSON.parse(run(['test', '--json']).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      ok: true,
      check: 'ok',
      requestId: ids.second,
      serialNumber: expect.stringMatching(/^[0-9A-F]+$/),
      notAfter: expect.any(String),
    });
    expect(json.subject).toEqual(expect.stringContaining(commonName));
  });

  it('prints the subject name in the Windows style and as RFC 4514', () => {
    const both = run(['subject', '--no-clipboard']);
    expect(both.status).toBe(0);
    expect(both.stdout).toBe(
      `Windows style: E=alice@laposte.example, CN=${commonName}, OU=Workstation, O=J1CFRA, L=Paris, S=Ile-de-France, C=FR\n` +
        `RFC 4514:      1.2.840.113549.1.9.1=#1615616c696365406c61706f7374652e6578616d706c65,CN=${commonName},OU=Workstation,O=J1CFRA,L=Paris,ST=Ile-de-France,C=FR\n`,
    );
    expect(run(['subject', String(ids.second), '--format', 'windows', '--no-clipboard']).stdout).toMatch(
      /^E=alice@laposte.example, CN=/,
    );
    expect(run(['subject', String(ids.first), '--no-clipboard']).status).toBe(1);
  });

  it('says when the test service is unreachable, with exit 3', () => {
    const configFile = join(home, 'client.json');
    const saved = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, saved.replace(config.urls.test, 'https://127.0.0.1:9/api/v1/enrollment/test'));
    const result = run(['test']);
    writeFileSync(configFile, saved);
    expect(result.status).toBe(3);
    expect(result.stdout).toMatch(
      /^Test failed \(unreachable\): Cannot reach https:\/\/127.0.0.1:9\/api\/v1\/enrollment\/test: connection refused/,
    );
  });

  it('revokes its own certificate over mutual TLS; the test service then refuses it with CERTIFICATE_REVOKED', async () => {
    const serial = (JSON.parse(run(['test', '--json']).stdout) as { serialNumber: string }).serialNumber;
    const result = run(['revoke', '--reason', 'keyCompromise']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `The certificate of request Id ${ids.second} has been revoked (reason: keyCompromise).\n`,
    );
    expect((await detail(ids.second)).status).toBe('Revoked');
    expect(await api<Wire<CertificateView>>(server.url, 'GET', `/api/v1/certificates/${serial}`, admin)).toMatchObject({
      status: 'revoked',
      revocationReason: 'keyCompromise',
    });
    const test = run(['test', '--request', String(ids.second), '--json']);
    expect(test.status).toBe(1);
    expect(JSON.parse(test.stdout)).toMatchObject({
      ok: false,
      check: 'revoked',
      code: 'CERTIFICATE_REVOKED',
      status: 403,
    });
    // Without --request too: no certificate is in use any more, and the one revoked last is tested.
    const plain = run(['test']);
    expect(plain.status).toBe(1);
    expect(plain.stdout).toMatch(/^Test failed \(revoked\): /);
  });

  it('never writes key material or the token into the event log', () => {
    const log = readFileSync(join(home, 'events.log'), 'utf8');
    expect(log).toMatch(/"event":"installed"/);
    expect(log).toMatch(/"event":"revoked"/);
    const keyLines = readFileSync(join(home, 'requests', config.packageId, String(ids.second), 'key.pem'), 'utf8')
      .split('\n')
      .filter((line) => line.length > 20 && !line.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(5);
    for (const line of keyLines) {
      expect(log).not.toContain(line);
    }
    expect(log).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(log).not.toContain(config.token);
  });

  it('says UNEXPECTED_RESPONSE when the request URL is another service of the API', () => {
    const other = join(work, 'wrong-url');
    writeFileSync(
      join(work, 'wrong-url.json'),
      JSON.stringify({ ...config, urls: { ...config.urls, request: `${server.url}/health` } }),
    );
    expect(enroll(other, ['init', join(work, 'wrong-url.json')]).status).toBe(0);
    const status = enroll(other, ['status']);
    expect(status.status).toBe(1);
    expect(status.stderr).toMatch(
      /^Error: The service at .*\/health\?limit=100&requestedBy=.* answered with an unexpected body \(not a list of requests\): is the URL right and the API current\?$/m,
    );
  });
});

describe('a user-store package: get', () => {
  const home = join(work, 'user');
  const userStore = join(home, 'alice-certs');
  const run = (args: string[]): ReturnType<typeof enroll> =>
    enroll(home, [...args, '--requested-by', REQUESTER], { ENROLL_USER_STORE: userStore });
  let config: ClientConfig;
  let id = 0;

  beforeAll(async () => {
    config = await createPackage('user', ['workstation']);
    writeFileSync(join(work, 'user.json'), JSON.stringify(config));
    expect(enroll(home, ['init', join(work, 'user.json')]).status).toBe(0);
    const submitted = run([
      'submit',
      '--key-type',
      'ec',
      '--locality',
      'Lyon',
      '--state',
      'Rhone',
      '--email',
      'alice@laposte.example',
      '--phone',
      '1',
      '--description',
      'Laptop',
    ]);
    expect(submitted.status).toBe(0);
    id = submittedId(submitted.stdout);
  });

  it('refuses to install a certificate that does not belong to the key kept here, and does not confirm it (exit 1)', async () => {
    await decide(manager, id, 'approve');
    // The API signs the CSR's key; the key file in the client folder is what the client trusts.
    const keyFile = join(home, 'requests', config.packageId, String(id), 'key.pem');
    copyFileSync(keyFile, `${keyFile}.kept`);
    writeFileSync(
      keyFile,
      generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const result = run(['get', '--json']);
    copyFileSync(`${keyFile}.kept`, keyFile);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `Error: Request Id ${id} failed: The certificate of request Id ${id} does not belong to the key made on this device: it was not installed.`,
    );
    expect(JSON.parse(result.stdout)).toEqual({
      requestedBy: REQUESTER,
      outcomes: [expect.objectContaining({ id, action: 'failed', code: 'KEY_MISMATCH' })],
      needsAttention: [],
    });
    expect((await detail(id)).status).toBe('Approved');
  });

  it('installs the right certificate into the user store, which only its owner can read', async () => {
    const result = run(['get', '--p12-password', 'correct horse battery']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Certificate installed successfully for request Id ${id}\\.`));
    expect((await detail(id)).status).toBe('Installed');
    expect(statSync(userStore).mode & 0o777).toBe(0o700);
    expect(statSync(join(userStore, `request-${id}`)).mode & 0o777).toBe(0o700);
    expect(statSync(join(userStore, `request-${id}`, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(() => statSync(join(userStore, `request-${id}`, 'bundle.p12.password'))).toThrow();
    expect(
      openssl([
        'pkcs12',
        '-in',
        join(userStore, `request-${id}`, 'bundle.p12'),
        '-passin',
        'pass:correct horse battery',
        '-nokeys',
      ]).status,
    ).toBe(0);
    expect(enroll(home, ['test'], { ENROLL_USER_STORE: userStore }).status).toBe(0);
  });
});

describe('an external request: submit and download', () => {
  const home = join(work, 'external');
  const run = (args: string[]): ReturnType<typeof enroll> => enroll(home, args);
  const DETAILS = [
    '--mac',
    '00-1a-2b-3c-4d-5e',
    '--nic',
    '{4D36E972-E325-11CE-BFC1-08002BE10318}',
    '--processor-id',
    'BFEBFBFF000906EA',
    '--os-version',
    'Windows Server 2022 (10.0.20348)',
    '--os-type',
    '64',
    '--phone',
    '+33 1 23 45 67 89',
    '--description',
    'Public web front',
    '--requested-by',
    REQUESTER,
  ];
  let id = 0;

  beforeAll(async () => {
    writeFileSync(join(work, 'external.json'), JSON.stringify(await createPackage('user', ['external'])));
    expect(run(['init', join(work, 'external.json')]).status).toBe(0);
  });

  it('shows the CSR and submits it with kind external and the other server’s details', async () => {
    const { csr } = externalCsr(join(work, 'api'), '/C=FR/O=J1CFRA/CN=api.laposte.example');
    const result = run(['external', '--csr', csr, ...DETAILS]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Subject +CN=api.laposte.example, O=J1CFRA, C=FR/);
    expect(result.stdout).toMatch(/Key usage +digitalSignature, keyEncipherment, dataEncipherment/);
    id = submittedId(result.stdout);
    expect(result.stdout).toMatch(
      new RegExp(`The new certificate request has been submitted successfully for request Id ${id}\\.\\n$`),
    );
    expect(await detail(id)).toMatchObject({
      kind: 'external',
      enrollmentType: 'External',
      requestedBy: REQUESTER,
      device: {
        machineName: 'api',
        fqdn: 'api.laposte.example',
        macAddress: '00:1A:2B:3C:4D:5E',
        nicId: '{4D36E972-E325-11CE-BFC1-08002BE10318}',
        processorId: 'BFEBFBFF000906EA',
        osVersion: 'Windows Server 2022 (10.0.20348)',
        osType: '64-bit',
      },
    });
  });

  it('saves the approved certificate under the environment folder, which marks it Downloaded', async () => {
    await decide(admin, id, 'approve');
    const result = run(['get', '--requested-by', REQUESTER]);
    const file = join(home, 'config', 'Production', `api.laposte.example-request-${id}.pem`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Certificate saved for request Id ${id}: ${file}`);
    expect(readFileSync(file, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(await detail(id)).toMatchObject({ status: 'Downloaded', downloadedBy: REQUESTER });
    const status = JSON.parse(run(['status', '--requested-by', REQUESTER, '--json']).stdout) as { requests: unknown[] };
    expect(status.requests).toEqual([
      expect.objectContaining({ id, status: 'Downloaded', enrollmentType: 'External', downloadedBy: REQUESTER }),
    ]);
    expect(run(['subject', String(id), '--no-clipboard', '--format', 'rfc4514']).stdout).toBe(
      'CN=api.laposte.example,OU=Server,O=J1CFRA,C=FR\n',
    );
  });
});
