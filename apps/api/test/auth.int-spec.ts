import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, signInAdmin, submit, type Session, type Tenant } from './support/factories';
import { ADMIN_PASSWORD } from './support/test-config';

let t: TestApp;
let admin: Session;
let a: Tenant;
beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
});
afterAll(() => t.close());

const cookieHeader = (setCookie: string[] | string | undefined): string =>
  ([] as string[])
    .concat(setCookie ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');

describe('sign-in', () => {
  it('answers the contract: token, user, and httpOnly SameSite cookies', async () => {
    const response = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    expect(response.body).toMatchObject({
      accessToken: expect.stringMatching(/^ens_/),
      user: { username: 'admin', role: 'admin', organizationCode: null },
    });
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    expect(cookies.find((c) => c.startsWith('enroll_session='))).toMatch(/HttpOnly/);
    expect(cookies.find((c) => c.startsWith('enroll_session='))).toMatch(/SameSite=Strict/);
    expect(cookies.find((c) => c.startsWith('enroll_csrf='))).not.toMatch(/HttpOnly/);
  });

  it('says nothing about which part was wrong', async () => {
    const unknownUser = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'nobody-at-all', password: 'x' })
      .expect(401);
    const wrongPassword = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: a.manager.token ? 'admin' : '', password: 'wrong password' })
      .expect(401);
    expect(unknownUser.body.detail).toBe(wrongPassword.body.detail);
    expect(unknownUser.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('limits failed sign-ins per user name: the sixth attempt is refused even with the right password', async () => {
    await t
      .http()
      .post('/api/v1/users')
      .set(...admin.auth)
      .send({ username: 'victim', password: 'the right password', role: 'admin' })
      .expect(201);
    for (let i = 0; i < 5; i++) {
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'victim', password: `guess ${i}` })
        .expect(401);
    }
    const blocked = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'victim', password: 'the right password' })
      .expect(429);
    expect(blocked.body).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('with the cookie, unsafe methods need the CSRF header; with the bearer token they do not', async () => {
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    const cookie = cookieHeader(login.headers['set-cookie']);
    const csrf = (login.body as { csrfToken: string }).csrfToken;
    await t.http().get('/api/v1/auth/me').set('Cookie', cookie).expect(200);
    const { id } = await submit(t, a, 'workstation');
    const refused = await t
      .http()
      .post(`/api/v1/requests/${id}/reject`)
      .set('Cookie', cookie)
      .send({ reason: 'x' })
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'CSRF_TOKEN_INVALID' });
    await t
      .http()
      .post(`/api/v1/requests/${id}/reject`)
      .set('Cookie', cookie)
      .set('X-CSRF-Token', 'forged')
      .send({ reason: 'x' })
      .expect(403);
    await t
      .http()
      .post(`/api/v1/requests/${id}/reject`)
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send({ reason: 'x' })
      .expect(200);
  });

  it('logout ends the session at once', async () => {
    const session = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    const bearer = `Bearer ${(session.body as { accessToken: string }).accessToken}`;
    await t.http().get('/api/v1/auth/me').set('Authorization', bearer).expect(200);
    await t.http().post('/api/v1/auth/logout').set('Authorization', bearer).expect(204);
    const after = await t.http().get('/api/v1/auth/me').set('Authorization', bearer).expect(401);
    expect(after.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('stores no password or token in clear', async () => {
    const [user] = await t.db.query<{ password_hash: string }[]>(
      `SELECT password_hash FROM users WHERE username = 'admin'`,
    );
    expect(user?.password_hash).toMatch(/^\$argon2id\$/);
    const [session] = await t.db.query<{ token_hash: Buffer }[]>(`SELECT token_hash FROM sessions LIMIT 1`);
    expect(session?.token_hash).toHaveLength(32);
    const dump = JSON.stringify(await t.db.query(`SELECT * FROM enrollment_packages`));
    expect(dump).not.toContain(a.packageToken);
  });
});
