import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMtlsServer } from '../src/mtls/mtls-server';
import { startTestApp, type TestApp } from './support/test-app';
import { binary, createTenant, signIn, signInAdmin, type Session, type Tenant } from './support/factories';
import { enrolledDevice } from './support/devices';
import { testConfig } from './support/test-config';

const dir = mkdtempSync(join(tmpdir(), 'enroll-people-'));
let t: TestApp;
let mtls: HttpsServer;
let httpPort: number;
let mtlsPort: number;
let caPem: string;
let admin: Session;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  httpPort = (t.server.address() as AddressInfo).port;
  mtls = await startMtlsServer(t.app, testConfig(), 0);
  mtlsPort = (mtls.address() as AddressInfo).port;
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
  b = await createTenant(t, admin);
  caPem = (await t.http().get('/pki/ca.pem').expect(200)).text;
  writeFileSync(join(dir, 'ca.pem'), caPem);
  writeFileSync(join(dir, 'issuing.pem'), caPem.split(/(?<=-----END CERTIFICATE-----\n)/)[0] ?? '');
});
afterAll(async () => {
  mtls.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const PASSWORD = 'manager password 123';
let counter = 0;

/** A new manager of organization A, signed in with its password. */
async function newManager(): Promise<{ id: string; username: string; session: Session }> {
  const username = `person-${++counter}-${a.code.toLowerCase()}`;
  const created = await t
    .http()
    .post('/api/v1/users')
    .set(...admin.auth)
    .send({ username, password: PASSWORD, role: 'manager', organizationCode: a.code })
    .expect(201);
  return { id: (created.body as { id: string }).id, username, session: await signIn(t, username, PASSWORD) };
}

interface UserCertificate {
  readonly serial: string;
  readonly certPath: string;
  readonly cert: string;
  readonly key: string;
}

/** Issues a user certificate (PKCS #12) and unpacks it with openssl, as a person would to import it. */
async function issueUserCertificate(userId: string, revokePrevious?: boolean): Promise<UserCertificate> {
  const response = await t
    .http()
    .post(`/api/v1/users/${userId}/certificate`)
    .set(...admin.auth)
    .send({ password: 'p12 password', ...(revokePrevious === undefined ? {} : { revokePrevious }) })
    .buffer(true)
    .parse(binary)
    .expect(200);
  expect(response.headers['cache-control']).toBe('no-store');
  const p12 = join(dir, `user-${++counter}.p12`);
  writeFileSync(p12, response.body as Buffer);
  const cert = execFileSync('openssl', [
    'pkcs12',
    '-in',
    p12,
    '-passin',
    'pass:p12 password',
    '-nokeys',
    '-clcerts',
  ]).toString();
  const key = execFileSync('openssl', [
    'pkcs12',
    '-in',
    p12,
    '-passin',
    'pass:p12 password',
    '-nocerts',
    '-nodes',
  ]).toString();
  const certPath = join(dir, `user-${counter}.pem`);
  writeFileSync(certPath, cert);
  const serial =
    /serial=([0-9A-F]+)/.exec(
      execFileSync('openssl', ['x509', '-in', certPath, '-noout', '-serial']).toString(),
    )?.[1] ?? '';
  return { serial: serial.replace(/^(00)+/, ''), certPath, cert, key };
}

/** A call on the mTLS port with a client certificate (or none). */
function overMtls(
  method: string,
  path: string,
  options: {
    cert?: UserCertificate | { cert: string; key: string };
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? '' : JSON.stringify(options.body);
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: mtlsPort,
        path,
        method,
        ca: caPem,
        servername: 'localhost',
        ...(options.cert ? { cert: options.cert.cert, key: options.cert.key } : {}),
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>,
            headers: res.headers,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** openssl ocsp against this API: asynchronously, since the API answers from this very process. */
const ocspStatus = async (certPath: string): Promise<string> =>
  (
    await promisify(execFile)('openssl', [
      'ocsp',
      '-issuer',
      join(dir, 'issuing.pem'),
      '-cert',
      certPath,
      '-url',
      `http://127.0.0.1:${httpPort}/pki/ocsp`,
      '-CAfile',
      join(dir, 'ca.pem'),
    ])
  ).stdout;

const cookieOf = (setCookie: string[] | string | undefined): string =>
  ([] as string[])
    .concat(setCookie ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');

describe('disabling and enabling an account', () => {
  it('ends its sessions at once: the bearer token and the cookie answer 401 on the next request', async () => {
    const person = await newManager();
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: person.username, password: PASSWORD })
      .expect(200);
    const cookie = cookieOf(login.headers['set-cookie']);
    await t
      .http()
      .get('/api/v1/auth/me')
      .set(...person.session.auth)
      .expect(200);
    await t.http().get('/api/v1/auth/me').set('Cookie', cookie).expect(200);
    const disabled = await t
      .http()
      .post(`/api/v1/users/${person.id}/disable`)
      .set(...admin.auth)
      .expect(200);
    expect(disabled.body).toMatchObject({ id: person.id, disabledAt: expect.any(String) });
    expect(
      (
        await t
          .http()
          .get('/api/v1/auth/me')
          .set(...person.session.auth)
          .expect(401)
      ).body,
    ).toMatchObject({ code: 'UNAUTHENTICATED' });
    await t.http().get('/api/v1/requests').set('Cookie', cookie).expect(401);
    const refused = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: person.username, password: PASSWORD })
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    // Disabling again keeps the first date; enabling lets the person sign in again.
    const again = await t
      .http()
      .post(`/api/v1/users/${person.id}/disable`)
      .set(...admin.auth)
      .expect(200);
    expect((again.body as { disabledAt: string }).disabledAt).toBe(
      (disabled.body as { disabledAt: string }).disabledAt,
    );
    expect(
      (
        await t
          .http()
          .post(`/api/v1/users/${person.id}/enable`)
          .set(...admin.auth)
          .expect(200)
      ).body,
    ).toMatchObject({ disabledAt: null });
    await signIn(t, person.username, PASSWORD);
    const audit = await t
      .http()
      .get(`/api/v1/audit?actor=admin&limit=10`)
      .set(...admin.auth)
      .expect(200);
    const actions = (
      audit.body as { items: { action: string; target: string; details: Record<string, unknown> }[] }
    ).items.filter((e) => e.target === person.username);
    expect(actions.map((e) => e.action)).toEqual(expect.arrayContaining(['user.disable', 'user.enable']));
    // Newest first: the first disable ended both sessions, the second changed nothing.
    expect(actions.filter((e) => e.action === 'user.disable').map((e) => e.details)).toEqual([
      { changed: false, sessionsEnded: 0 },
      { changed: true, sessionsEnded: 2 },
    ]);
  });

  it('an administrator cannot disable its own account', async () => {
    const me = (
      await t
        .http()
        .get('/api/v1/auth/me')
        .set(...admin.auth)
        .expect(200)
    ).body as { id: string };
    expect(
      (
        await t
          .http()
          .post(`/api/v1/users/${me.id}/disable`)
          .set(...admin.auth)
          .expect(409)
      ).body,
    ).toMatchObject({ code: 'CANNOT_DISABLE_SELF' });
  });

  it('lists accounts with disabledAt and signInBlockedUntil; unknown ids are 404', async () => {
    const users = (
      await t
        .http()
        .get('/api/v1/users')
        .set(...admin.auth)
        .expect(200)
    ).body as { username: string; disabledAt: unknown; signInBlockedUntil: unknown }[];
    expect(users.find((u) => u.username === 'admin')).toMatchObject({ disabledAt: null, signInBlockedUntil: null });
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      await t
        .http()
        .post(`/api/v1/users/${id}/disable`)
        .set(...admin.auth)
        .expect(404);
      await t
        .http()
        .get(`/api/v1/users/${id}/certificates`)
        .set(...admin.auth)
        .expect(404);
    }
  });
});

describe('passwords', () => {
  it('a reset by an administrator ends the sessions and sets the new password', async () => {
    const person = await newManager();
    await t
      .http()
      .post(`/api/v1/users/${person.id}/password`)
      .set(...admin.auth)
      .send({ password: 'a brand new password' })
      .expect(204);
    await t
      .http()
      .get('/api/v1/auth/me')
      .set(...person.session.auth)
      .expect(401);
    await t.http().post('/api/v1/auth/login').send({ username: person.username, password: PASSWORD }).expect(401);
    await signIn(t, person.username, 'a brand new password');
    await t
      .http()
      .post(`/api/v1/users/${person.id}/password`)
      .set(...admin.auth)
      .send({ password: 'short' })
      .expect(400);
  });

  it('a person changes its own password: the other sessions end, this one goes on', async () => {
    const person = await newManager();
    const other = await signIn(t, person.username, PASSWORD);
    const wrong = await t
      .http()
      .post('/api/v1/auth/password')
      .set(...person.session.auth)
      .send({ currentPassword: 'not it', newPassword: 'my own new password' })
      .expect(401);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await t
      .http()
      .post('/api/v1/auth/password')
      .set(...person.session.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'my own new password' })
      .expect(204);
    await t
      .http()
      .get('/api/v1/auth/me')
      .set(...person.session.auth)
      .expect(200);
    await t
      .http()
      .get('/api/v1/auth/me')
      .set(...other.auth)
      .expect(401);
    await signIn(t, person.username, 'my own new password');
  });
});

describe('user certificates and certificate sign-in', () => {
  it('signs a manager in with its certificate on the mTLS port; the session ends when the certificate is revoked', async () => {
    const person = await newManager();
    const certificate = await issueUserCertificate(person.id);
    const listed = (
      await t
        .http()
        .get(`/api/v1/users/${person.id}/certificates`)
        .set(...admin.auth)
        .expect(200)
    ).body as { serialNumber: string; status: string; profile: string }[];
    expect(listed).toEqual([
      expect.objectContaining({ serialNumber: certificate.serial, status: 'valid', profile: 'manager' }),
    ]);

    const login = await overMtls('POST', '/api/v1/auth/login/certificate', { cert: certificate, body: {} });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({
      accessToken: expect.stringMatching(/^ens_/),
      user: { id: person.id, role: 'manager', organizationCode: a.code },
    });
    expect(login.headers['cache-control']).toBe('no-store');
    const bearer: [string, string] = ['Authorization', `Bearer ${String(login.body.accessToken)}`];
    await t
      .http()
      .get('/api/v1/requests')
      .set(...bearer)
      .expect(200);
    // A user certificate is current and this CA's, but the device endpoints are for devices.
    expect(await overMtls('GET', '/api/v1/enrollment/test', { cert: certificate })).toMatchObject({
      status: 403,
      body: { code: 'MANAGER_CERTIFICATE' },
    });
    expect(await ocspStatus(certificate.certPath)).toMatch(/: good/);

    const revoked = await t
      .http()
      .post(`/api/v1/certificates/${certificate.serial}/revoke`)
      .set(...admin.auth)
      .send({ reason: 'affiliationChanged' })
      .expect(200);
    expect(revoked.body).toMatchObject({
      serialNumber: certificate.serial,
      status: 'revoked',
      revocationReason: 'affiliationChanged',
      requestId: null,
    });
    await t
      .http()
      .get('/api/v1/requests')
      .set(...bearer)
      .expect(401);
    expect(await ocspStatus(certificate.certPath)).toMatch(/: revoked[\s\S]*Reason: affiliationChanged/);
    const again = await overMtls('POST', '/api/v1/auth/login/certificate', { cert: certificate, body: {} });
    expect(again).toMatchObject({ status: 403, body: { code: 'CERTIFICATE_REVOKED' } });
    expect((await overMtls('GET', '/api/v1/enrollment/test', { cert: certificate })).body).toMatchObject({
      code: 'CERTIFICATE_REVOKED',
    });
    const twice = await t
      .http()
      .post(`/api/v1/certificates/${certificate.serial}/revoke`)
      .set(...admin.auth)
      .send({ reason: 'superseded' })
      .expect(409);
    expect(twice.body).toMatchObject({ code: 'CERTIFICATE_ALREADY_REVOKED' });
  });

  it('refuses a disabled account, a device certificate and no certificate at all', async () => {
    const person = await newManager();
    const certificate = await issueUserCertificate(person.id);
    await t
      .http()
      .post(`/api/v1/users/${person.id}/disable`)
      .set(...admin.auth)
      .expect(200);
    expect(await overMtls('POST', '/api/v1/auth/login/certificate', { cert: certificate, body: {} })).toMatchObject({
      status: 403,
      body: { code: 'ACCOUNT_DISABLED' },
    });
    await t
      .http()
      .post(`/api/v1/users/${person.id}/enable`)
      .set(...admin.auth)
      .expect(200);
    expect((await overMtls('POST', '/api/v1/auth/login/certificate', { cert: certificate, body: {} })).status).toBe(
      200,
    );

    const device = await enrolledDevice(t, a, admin);
    const deviceCertificate = {
      cert: device.certificatePem,
      key: device.key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
    expect(
      await overMtls('POST', '/api/v1/auth/login/certificate', { cert: deviceCertificate, body: {} }),
    ).toMatchObject({ status: 403, body: { code: 'NOT_A_USER_CERTIFICATE' } });
    expect(await overMtls('POST', '/api/v1/auth/login/certificate', { body: {} })).toMatchObject({
      status: 401,
      body: { code: 'CERTIFICATE_REQUIRED' },
    });
    await t.http().post('/api/v1/auth/login/certificate').send({}).expect(401);
  });

  it('a new certificate may revoke the previous ones (superseded); without asking, both stay valid', async () => {
    const person = await newManager();
    const first = await issueUserCertificate(person.id);
    const second = await issueUserCertificate(person.id);
    const third = await issueUserCertificate(person.id, true);
    const listed = (
      await t
        .http()
        .get(`/api/v1/users/${person.id}/certificates`)
        .set(...admin.auth)
        .expect(200)
    ).body as { serialNumber: string; status: string; revocationReason: string | null }[];
    expect(listed.map((c) => [c.serialNumber, c.status, c.revocationReason])).toEqual([
      [third.serial, 'valid', null],
      [second.serial, 'revoked', 'superseded'],
      [first.serial, 'revoked', 'superseded'],
    ]);
    expect(await ocspStatus(first.certPath)).toMatch(/: revoked/);
    expect((await overMtls('POST', '/api/v1/auth/login/certificate', { cert: third, body: {} })).status).toBe(200);
  });
});

describe('revocation by serial', () => {
  it("a manager revokes its organization's device certificate (the request moves to Revoked); another organization's is 404", async () => {
    const device = await enrolledDevice(t, a, admin);
    await t
      .http()
      .post(`/api/v1/certificates/${device.serial}/revoke`)
      .set(...b.manager.auth)
      .send({ reason: 'keyCompromise' })
      .expect(404);
    const revoked = await t
      .http()
      .post(`/api/v1/certificates/${device.serial.toLowerCase()}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'cessationOfOperation' })
      .expect(200);
    expect(revoked.body).toMatchObject({ serialNumber: device.serial, status: 'revoked', requestId: device.id });
    expect(
      (
        await t
          .http()
          .get(`/api/v1/requests/${device.id}`)
          .set(...a.manager.auth)
          .expect(200)
      ).body,
    ).toMatchObject({ status: 'Revoked' });
    await t
      .http()
      .post(`/api/v1/certificates/${device.serial}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'superseded' })
      .expect(409);
  });

  it("a manager may not revoke a user certificate, nor a server's; unknown serials and reasons are refused", async () => {
    const person = await newManager();
    const certificate = await issueUserCertificate(person.id);
    expect(
      (
        await t
          .http()
          .post(`/api/v1/certificates/${certificate.serial}/revoke`)
          .set(...a.manager.auth)
          .send({ reason: 'superseded' })
          .expect(403)
      ).body,
    ).toMatchObject({ code: 'FORBIDDEN' });
    const server = await enrolledDevice(t, a, admin, 'server');
    expect(
      (
        await t
          .http()
          .post(`/api/v1/certificates/${server.serial}/revoke`)
          .set(...a.manager.auth)
          .send({ reason: 'superseded' })
          .expect(403)
      ).body,
    ).toMatchObject({ code: 'KIND_NOT_DECIDABLE' });
    await t
      .http()
      .post('/api/v1/certificates/ABCDEF/revoke')
      .set(...admin.auth)
      .send({ reason: 'superseded' })
      .expect(404);
    await t
      .http()
      .post('/api/v1/certificates/not-hex/revoke')
      .set(...admin.auth)
      .send({ reason: 'superseded' })
      .expect(404);
    await t
      .http()
      .post(`/api/v1/certificates/${certificate.serial}/revoke`)
      .set(...admin.auth)
      .send({ reason: 'cACompromise' })
      .expect(400);
  });
});

describe('answers with secrets', () => {
  it('are sent with Cache-Control: no-store', async () => {
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: a.manager.token ? `mgr-${a.code.toLowerCase()}` : '', password: PASSWORD })
      .expect(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const pkg = await t
      .http()
      .post('/api/v1/packages')
      .set(...admin.auth)
      .send({ organizationCode: a.code, environment: 'Test', store: 'user', kinds: ['mobile'] })
      .expect(201);
    expect(pkg.headers['cache-control']).toBe('no-store');
  });
});
