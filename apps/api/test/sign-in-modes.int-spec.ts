import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMtlsServer } from '../src/mtls/mtls-server';
import { binary, createTenant, signInAdmin, type Session, type Tenant } from './support/factories';
import { createTestDatabase } from './support/postgres';
import { startTestApp, type TestApp } from './support/test-app';
import { ADMIN_PASSWORD, testConfig } from './support/test-config';

/**
 * ENROLL_MANAGER_SIGN_IN on PostgreSQL: one database, the API restarted with each setting in
 * turn, as a centre changes it (sessions and certificates stay). `password`: managers sign in
 * with a password, or a certificate; `certificate-and-password`: both, and a session opened with a
 * password alone stops working; `certificate`: the certificate alone. Administrators keep their
 * password in every mode. One API at a time: Passport's strategies are process-wide, so two apps
 * in one test process would share the last one's configuration.
 */
type Mode = 'password' | 'certificate-and-password' | 'certificate';
const MODES: readonly Mode[] = ['password', 'certificate-and-password', 'certificate'];
const PASSWORD = 'manager password 123';

const dir = mkdtempSync(join(tmpdir(), 'enroll-sign-in-modes-'));
// One root key file for every start: the CA is the database's, created by the first.
const rootKeyFile = join(dir, 'root-ca.key');
let database: { url: string; drop: () => Promise<void> };
let api: { mode: Mode; t: TestApp; mtls: HttpsServer; port: number } | undefined;
let caPem: string;
let tenant: Tenant;
let username: string;
let certificate: { cert: string; key: string };
let passwordSession: Session;

/** The API (and its mTLS port) with this setting, the previous one stopped. */
async function restartWith(mode: Mode): Promise<TestApp> {
  await stop();
  const env = { ENROLL_MANAGER_SIGN_IN: mode, ENROLL_ROOT_KEY_FILE: rootKeyFile };
  const t = await startTestApp({ target: { url: database.url }, env });
  const mtls = await startMtlsServer(t.app, testConfig(env), 0);
  api = { mode, t, mtls, port: (mtls.address() as AddressInfo).port };
  return t;
}
async function stop(): Promise<void> {
  if (api) {
    api.mtls.close();
    await api.t.close();
    api = undefined;
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  const t = await restartWith('password');
  tenant = await createTenant(t, await signInAdmin(t));
  passwordSession = tenant.manager;
  username = `mgr-${tenant.code.toLowerCase()}`;
  caPem = (await t.http().get('/pki/ca.pem').expect(200)).text;
  const admin = await signInAdmin(t);
  const users = (
    await t
      .http()
      .get('/api/v1/users')
      .set(...admin.auth)
      .expect(200)
  ).body as {
    id: string;
    username: string;
  }[];
  const id = users.find((u) => u.username === username)?.id;
  const p12 = (
    await t
      .http()
      .post(`/api/v1/users/${id}/certificate`)
      .set(...admin.auth)
      .send({ password: 'p12 password' })
      .buffer(true)
      .parse(binary)
      .expect(200)
  ).body as Buffer;
  const file = join(dir, 'manager.p12');
  writeFileSync(file, p12);
  const unpack = (what: string[]): string =>
    execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:p12 password', ...what]).toString();
  certificate = { cert: unpack(['-nokeys', '-clcerts']), key: unpack(['-nocerts', '-nodes']) };
});
afterAll(async () => {
  await stop();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** POST /api/v1/auth/login/certificate on the running API's mTLS port, with the manager's certificate. */
function certificateLogin(
  body: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { port } = running();
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/auth/login/certificate',
        method: 'POST',
        ca: caPem,
        servername: 'localhost',
        cert: certificate.cert,
        key: certificate.key,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function running(): NonNullable<typeof api> {
  if (!api) {
    throw new Error('no API running');
  }
  return api;
}
const passwordLogin = (name: string, password: string) =>
  running().t.http().post('/api/v1/auth/login').send({ username: name, password });
const me = (token: string) => running().t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
const tokenOf = (body: unknown): string => (body as { accessToken: string }).accessToken;

describe('ENROLL_MANAGER_SIGN_IN', () => {
  it('password (the default): a manager signs in with its password, or with its certificate alone', async () => {
    await restartWith('password');
    await passwordLogin(username, PASSWORD).expect(200);
    const login = await certificateLogin();
    expect(login.status).toBe(200);
    await me(tokenOf(login.body)).expect(200);
    // A password given with the certificate is checked all the same.
    expect(await certificateLogin({ password: 'wrong password' })).toMatchObject({
      status: 401,
      body: { code: 'INVALID_CREDENTIALS' },
    });
    await me(passwordSession.token).expect(200);
  });

  it('certificate-and-password: a manager needs both; a session opened with a password alone ends', async () => {
    await restartWith('certificate-and-password');
    const refused = await passwordLogin(username, PASSWORD).expect(403);
    expect(refused.body).toMatchObject({ code: 'CERTIFICATE_SIGN_IN_REQUIRED' });
    expect(await certificateLogin()).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    expect(await certificateLogin({ password: 'wrong password' })).toMatchObject({
      status: 401,
      body: { code: 'INVALID_CREDENTIALS' },
    });
    const both = await certificateLogin({ password: PASSWORD });
    expect(both.status).toBe(200);
    await me(tokenOf(both.body)).expect(200);
    // The session the manager opened with its password alone, before the change, is refused now.
    await me(passwordSession.token).expect(401);
  });

  it('certificate: the certificate alone signs a manager in; its password does not', async () => {
    await restartWith('certificate');
    expect((await passwordLogin(username, PASSWORD).expect(403)).body).toMatchObject({
      code: 'CERTIFICATE_SIGN_IN_REQUIRED',
    });
    const login = await certificateLogin();
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username, role: 'manager', organizationCode: tenant.code });
    await me(tokenOf(login.body)).expect(200);
    await me(passwordSession.token).expect(401);
  });

  it('back to password: the session opened with a password works again, and so does the password', async () => {
    await restartWith('password');
    await me(passwordSession.token).expect(200);
    await passwordLogin(username, PASSWORD).expect(200);
  });

  it.each(MODES)('%s: administrators keep signing in with their password', async (mode) => {
    await restartWith(mode);
    const login = await passwordLogin('admin', ADMIN_PASSWORD).expect(200);
    await me(tokenOf(login.body)).expect(200);
  });
});
