import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, tableCounts, type TestApp } from './support/test-app';
import { binary, orgCode, signInAdmin, type Session } from './support/factories';

/**
 * SCEP with a real client: Debian's `scep` package (micromdm's scepclient), spawned against the
 * running API. It sends SHA-1 + DES whatever GetCACaps says and, while PENDING, sleeps 30 s and
 * sends the very same PKCSReq again: the poll this server must recognize.
 */
const dir = mkdtempSync(join(tmpdir(), 'enroll-scep-'));
let t: TestApp;
let port: number;
let admin: Session;
let manager: Session;
let pkg: { id: string; token: string; scepChallenge: string; scepUrl: string; mobileconfig: string };
let raFingerprint: string;
const hasScepClient = existsSync('/usr/bin/scepclient');
const hasCertmonger = existsSync('/usr/sbin/certmonger') && existsSync('/usr/bin/dbus-daemon');

/** Runs a real client asynchronously: the API under test lives in this very process. */
function run(
  command: string,
  args: string[],
  input?: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, env ? { env: { ...process.env, ...env } } : {});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => resolve(free));
    });
  });

const scepUrl = (path = '/scep'): string => `http://127.0.0.1:${port}${path}`;

/** scepclient in its own folder (it keeps key, CSR and certificate next to the key). */
function scepclient(
  folder: string,
  options: { cn: string; challenge?: string; org?: string; country?: string; keySize?: number; url?: string },
) {
  const args = [
    '-server-url',
    options.url ?? scepUrl(),
    '-private-key',
    join(folder, 'key.pem'),
    '-cn',
    options.cn,
    '-ca-fingerprint',
    raFingerprint,
  ];
  if (options.challenge !== undefined) {
    args.push('-challenge', options.challenge);
  }
  args.push(
    '-organization',
    options.org ?? 'scep-client',
    '-country',
    options.country ?? 'FR',
    '-keySize',
    String(options.keySize ?? 2048),
  );
  return run('scepclient', args);
}

/** Waits until the request of this CN is in the queue, and returns it. */
async function pendingRequest(cn: string): Promise<{ id: number; status: string; channel: string }> {
  for (let i = 0; i < 100; i++) {
    const [row] = await t.db.query<{ id: string; status: string; channel: string }[]>(
      `SELECT id, status, channel FROM requests WHERE common_name = $1 ORDER BY id DESC LIMIT 1`,
      [cn],
    );
    if (row) {
      return { id: Number(row.id), status: row.status, channel: row.channel };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no request for ${cn}`);
}

beforeAll(async () => {
  port = await freePort();
  t = await startTestApp({ env: { ENROLL_PUBLIC_URL: `http://127.0.0.1:${port}` } });
  await t.app.listen(port, '127.0.0.1');
  admin = await signInAdmin(t);
  const code = orgCode();
  await t
    .http()
    .post('/api/v1/organizations')
    .set(...admin.auth)
    .send({ code, name: `Organization ${code}`, country: 'FR' })
    .expect(201);
  pkg = (
    await t
      .http()
      .post('/api/v1/packages')
      .set(...admin.auth)
      .send({
        organizationCode: code,
        environment: 'Production',
        store: 'machine',
        kinds: ['workstation', 'mobile'],
        renewalSameKey: true,
      })
      .expect(201)
  ).body as typeof pkg;
  const username = `mgr-${code.toLowerCase()}`;
  await t
    .http()
    .post('/api/v1/users')
    .set(...admin.auth)
    .send({ username, password: 'manager password 123', role: 'manager', organizationCode: code })
    .expect(201);
  const login = await t
    .http()
    .post('/api/v1/auth/login')
    .send({ username, password: 'manager password 123' })
    .expect(200);
  manager = {
    token: (login.body as { accessToken: string }).accessToken,
    auth: ['Authorization', `Bearer ${(login.body as { accessToken: string }).accessToken}`],
  };
  writeFileSync(join(dir, 'chain.pem'), (await t.http().get('/pki/ca.pem').expect(200)).text);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SCEP discovery', () => {
  it('GetCACaps announces AES, SHA-256, POST and renewal', async () => {
    const caps = await t.http().get('/scep?operation=GetCACaps').expect(200);
    expect(caps.headers['content-type']).toMatch(/^text\/plain/);
    expect(caps.text.split('\n')).toEqual(expect.arrayContaining(['AES', 'SHA-256', 'POSTPKIOperation', 'Renewal']));
  });

  it('GetCACert answers the RA (RSA, an encryption key) and the CA chain, as PKCS #7', async () => {
    const answer = await t.http().get('/scep?operation=GetCACert').buffer(true).parse(binary).expect(200);
    expect(answer.headers['content-type']).toBe('application/x-x509-ca-ra-cert');
    writeFileSync(join(dir, 'cacert.p7'), answer.body as Buffer);
    const printed = await run('openssl', ['pkcs7', '-inform', 'DER', '-in', join(dir, 'cacert.p7'), '-print_certs']);
    expect(printed.status).toBe(0);
    const pems = printed.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(pems).toHaveLength(3); // the RA, the issuing CA, the root
    const ra = Buffer.from((pems[0] ?? '').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    raFingerprint = createHash('sha256').update(ra).digest('hex');
    writeFileSync(join(dir, 'ra.pem'), `${pems[0] ?? ''}\n`);
    const text = await run('openssl', ['x509', '-in', join(dir, 'ra.pem'), '-noout', '-text']);
    expect(text.stdout).toMatch(/rsaEncryption/);
    expect(text.stdout).toMatch(/Key Encipherment/);
    const verified = await run('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      join(dir, 'chain.pem'),
      join(dir, 'ra.pem'),
    ]);
    expect(verified.stdout).toMatch(/OK/);
  });

  it('an unknown operation and an unreadable message are 400s; an unknown kind is a 404', async () => {
    await t.http().get('/scep?operation=Nope').expect(400);
    await t
      .http()
      .post('/scep?operation=PKIOperation')
      .set('content-type', 'application/x-pki-message')
      .send(Buffer.from('not cms'))
      .expect(400);
    await t.http().get('/scep?operation=PKIOperation&message=AAAA').expect(400);
    await t.http().get('/scep/printer?operation=GetCACaps').expect(404);
  });
});

describe('the mobile configuration profile', () => {
  it('parses as a property list with the SCEP payload', async () => {
    writeFileSync(join(dir, 'profile.mobileconfig'), Buffer.from(pkg.mobileconfig, 'base64'));
    const script = `import plistlib, json, sys
p = plistlib.load(open(sys.argv[1], 'rb'))
s = p['PayloadContent'][0]
assert s['PayloadType'] == 'com.apple.security.scep'
print(json.dumps(s['PayloadContent']))`;
    const parsed = await run('/usr/bin/python3', ['-c', script, join(dir, 'profile.mobileconfig')]);
    expect(parsed.stderr).toBe('');
    const payload = JSON.parse(parsed.stdout) as {
      URL: string;
      Challenge: string;
      Subject: string[][][];
      Keysize: number;
    };
    expect(payload.URL).toBe(scepUrl('/scep/mobile'));
    expect(payload.Challenge).toBe(pkg.scepChallenge);
    expect(payload.Keysize).toBe(2048);
    expect(payload.Subject.map((rdn) => rdn[0]?.[0])).toEqual(['C', 'O', 'CN']);
  });
});

(hasScepClient ? describe : describe.skip)('scepclient (micromdm, Debian package scep)', () => {
  jest.setTimeout(180_000);
  const approved = join(dir, 'approved');
  let approvedCn = '';

  it("PKCSReq with the profile's values: PENDING, approved, then SUCCESS on the resent PKCSReq; a rejected one ends in FAILURE badRequest", async () => {
    const payload = JSON.parse(
      (
        await run('/usr/bin/python3', [
          '-c',
          "import plistlib,json,sys; print(json.dumps(plistlib.load(open(sys.argv[1],'rb'))['PayloadContent'][0]['PayloadContent']))",
          join(dir, 'profile.mobileconfig'),
        ])
      ).stdout,
    ) as { URL: string; Challenge: string; Subject: [string, string][][]; Keysize: number };
    const subject = Object.fromEntries(payload.Subject.map((rdn) => rdn[0] ?? ['', '']));
    approvedCn = subject.CN ?? '';
    const rejected = join(dir, 'rejected');
    const rejectedCn = `IMEI-${Date.now()}`;
    for (const folder of [approved, rejected]) {
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder);
    }
    const started = Date.now();
    const approvedRun = scepclient(approved, {
      url: payload.URL,
      cn: approvedCn,
      challenge: payload.Challenge,
      org: subject.O,
      country: subject.C,
      keySize: payload.Keysize,
    });
    const rejectedRun = scepclient(rejected, { cn: rejectedCn, challenge: pkg.scepChallenge });
    const first = await pendingRequest(approvedCn);
    const second = await pendingRequest(rejectedCn);
    expect(first).toMatchObject({ status: 'Pending', channel: 'scep' });
    expect(second).toMatchObject({ status: 'Pending', channel: 'scep' });
    // The approver sees the same decoded CSR and profile check as for any other door.
    const detail = await t
      .http()
      .get(`/api/v1/requests/${first.id}`)
      .set(...manager.auth)
      .expect(200);
    expect(detail.body).toMatchObject({ channel: 'scep', kind: 'mobile' });
    const approvedAt = Date.now();
    await t
      .http()
      .post(`/api/v1/requests/${first.id}/approve`)
      .set(...manager.auth)
      .send({})
      .expect(200);
    await t
      .http()
      .post(`/api/v1/requests/${second.id}/reject`)
      .set(...manager.auth)
      .send({ reason: 'Not one of ours' })
      .expect(200);
    const [ok, refused] = await Promise.all([approvedRun, rejectedRun]);
    console.log(
      `scepclient: approval to certificate ${Math.round((Date.now() - approvedAt) / 1000)} s (run ${Math.round((Date.now() - started) / 1000)} s)`,
    );
    expect(ok.status).toBe(0);
    expect(refused.status).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/failInfo: badRequest|badRequest/);
    const verified = await run('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      join(dir, 'chain.pem'),
      join(approved, 'client.pem'),
    ]);
    expect(verified.stdout).toMatch(/OK/);
    const text = await run('openssl', ['x509', '-in', join(approved, 'client.pem'), '-noout', '-subject']);
    expect(text.stdout).toContain(approvedCn);
    expect(text.stdout).toContain('OU = Mobile');
  });

  it('RenewalReq signed by the current certificate is issued without a person (the package renews automatically)', async () => {
    const before = readFileSync(join(approved, 'client.pem'), 'utf8');
    const result = await scepclient(approved, { cn: approvedCn, url: scepUrl('/scep/mobile'), keySize: 2048 });
    expect(`${result.stdout}${result.stderr}`).toMatch(/SUCCESS/);
    expect(result.status).toBe(0);
    const after = readFileSync(join(approved, 'client.pem'), 'utf8');
    expect(after).not.toBe(before);
    const verified = await run('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      join(dir, 'chain.pem'),
      join(approved, 'client.pem'),
    ]);
    expect(verified.stdout).toMatch(/OK/);
    const [row] = await t.db.query<{ channel: string; renewal_of: string | null; status: string }[]>(
      `SELECT channel, renewal_of, status FROM requests WHERE common_name = $1 ORDER BY id DESC LIMIT 1`,
      [approvedCn],
    );
    expect(row).toMatchObject({ channel: 'scep', status: 'Approved' });
    expect(row?.renewal_of).not.toBeNull();
  });

  it('a wrong challenge ends in FAILURE at once, and stores no request', async () => {
    const folder = join(dir, 'wrong');
    mkdirSync(folder);
    const before = await tableCounts(t.db);
    const result = await scepclient(folder, { cn: `IMEI-${Date.now()}`, challenge: 'scep-not-the-challenge' });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/badRequest/);
    const after = await tableCounts(t.db);
    expect(after.requests).toBe(before.requests);
    expect(after.audit).toBeGreaterThan(before.audit ?? 0);
  });
});

/**
 * certmonger (getcert add-scep-ca / request) on a private D-Bus session bus, with its state in a
 * temporary folder. It polls a PENDING request by GetCertInitial (`getcert refresh` asks it now
 * instead of at its next scheduled visit) and re-enrolls by a PKCSReq signed with the current
 * certificate, which the server takes as a renewal.
 */
(hasCertmonger ? describe : describe.skip)('certmonger on a D-Bus session bus', () => {
  jest.setTimeout(180_000);
  const state = join(dir, 'certmonger');
  let env: NodeJS.ProcessEnv = {};
  let daemon: ReturnType<typeof spawn> | undefined;
  let busPid = 0;
  const getcert = (...args: string[]) => run('getcert', [args[0] ?? '', '-s', ...args.slice(1)], undefined, env);
  const statusOf = async (id: string): Promise<string> =>
    /status: (\S+)/.exec((await getcert('list', '-i', id)).stdout)?.[1] ?? '';
  async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 120; i++) {
      if (await check()) {
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeAll(async () => {
    for (const sub of ['requests', 'cas', 'local']) {
      mkdirSync(join(state, sub), { recursive: true });
    }
    const bus = await run('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1']);
    const [address, pid] = bus.stdout.trim().split('\n');
    busPid = Number(pid);
    env = {
      DBUS_SESSION_BUS_ADDRESS: address,
      CERTMONGER_REQUESTS_DIR: join(state, 'requests'),
      CERTMONGER_CAS_DIR: join(state, 'cas'),
      CERTMONGER_LOCAL_CA_DIR: join(state, 'local'),
    };
    daemon = spawn('certmonger', ['-s', '-n'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    await until(async () => (await getcert('list-cas')).status === 0, 'certmonger on the bus');
    const added = await getcert('add-scep-ca', '-c', 'Enroll', '-u', scepUrl('/scep/mobile'));
    expect(added.status).toBe(0);
    await until(
      async () => /thumbprint/.test((await getcert('list-cas', '-c', 'Enroll')).stdout),
      'GetCACert by certmonger',
    );
  });
  afterAll(() => {
    daemon?.kill();
    if (busPid > 0) {
      process.kill(busPid);
    }
  });

  it('getcert request: PENDING in the queue, approved, the certificate after a refresh; then a renewal issued without a person', async () => {
    const cn = `IMEI-cm-${Date.now()}`;
    const cert = join(state, 'cm.pem');
    const requested = await getcert(
      'request',
      '-c',
      'Enroll',
      '-f',
      cert,
      '-k',
      join(state, 'cm.key'),
      '-N',
      `CN=${cn}`,
      '-L',
      pkg.scepChallenge,
      '-I',
      'cm1',
    );
    expect(requested.status).toBe(0);
    const pending = await pendingRequest(cn);
    expect(pending).toMatchObject({ status: 'Pending', channel: 'scep' });
    await until(async () => (await statusOf('cm1')) === 'CA_WORKING', 'certmonger to wait');
    await t
      .http()
      .post(`/api/v1/requests/${pending.id}/approve`)
      .set(...manager.auth)
      .send({})
      .expect(200);
    const approvedAt = Date.now();
    await getcert('refresh', '-i', 'cm1');
    await until(() => existsSync(cert), 'the certificate');
    console.log(`certmonger: approval to certificate ${Date.now() - approvedAt} ms (after getcert refresh)`);
    expect((await run('openssl', ['verify', '-x509_strict', '-CAfile', join(dir, 'chain.pem'), cert])).stdout).toMatch(
      /OK/,
    );
    const first = readFileSync(cert, 'utf8');
    await getcert('resubmit', '-i', 'cm1');
    await until(() => readFileSync(cert, 'utf8') !== first, 'the renewed certificate');
    expect((await run('openssl', ['verify', '-x509_strict', '-CAfile', join(dir, 'chain.pem'), cert])).stdout).toMatch(
      /OK/,
    );
    const [row] = await t.db.query<{ status: string; renewal_of: string | null }[]>(
      `SELECT status, renewal_of FROM requests WHERE common_name = $1 ORDER BY id DESC LIMIT 1`,
      [cn],
    );
    expect(row?.status).toBe('Approved');
    expect(Number(row?.renewal_of)).toBe(pending.id);
  });

  it('a rejected request ends CA_REJECTED, and so does a wrong challenge', async () => {
    const cn = `IMEI-cm-${Date.now()}`;
    await getcert(
      'request',
      '-c',
      'Enroll',
      '-f',
      join(state, 'rejected.pem'),
      '-k',
      join(state, 'rejected.key'),
      '-N',
      `CN=${cn}`,
      '-L',
      pkg.scepChallenge,
      '-I',
      'cm2',
    );
    const pending = await pendingRequest(cn);
    await until(async () => (await statusOf('cm2')) === 'CA_WORKING', 'certmonger to wait');
    await t
      .http()
      .post(`/api/v1/requests/${pending.id}/reject`)
      .set(...manager.auth)
      .send({ reason: 'Not one of ours' })
      .expect(200);
    await getcert('refresh', '-i', 'cm2');
    await until(async () => (await statusOf('cm2')) === 'CA_REJECTED', 'the rejection');
    await getcert(
      'request',
      '-c',
      'Enroll',
      '-f',
      join(state, 'wrong.pem'),
      '-k',
      join(state, 'wrong.key'),
      '-N',
      `CN=IMEI-cm-wrong-${Date.now()}`,
      '-L',
      'scep-wrong',
      '-I',
      'cm3',
    );
    await until(async () => (await statusOf('cm3')) === 'CA_REJECTED', 'the refusal of a wrong challenge');
  });
});
