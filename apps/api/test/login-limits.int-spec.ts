import { startTestApp, type TestApp } from './support/test-app';
import { signInAdmin, type Session } from './support/factories';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  // Behind a proxy on loopback, so that the test can speak from several addresses.
  t = await startTestApp({ env: { ENROLL_TRUST_PROXY: 'loopback' } });
  admin = await signInAdmin(t);
});
afterAll(() => t.close());

let counter = 0;
async function person(): Promise<{ id: string; username: string }> {
  const username = `limited-${++counter}`;
  const created = await t
    .http()
    .post('/api/v1/users')
    .set(...admin.auth)
    .send({ username, password: 'the right password', role: 'admin' })
    .expect(201);
  return { id: (created.body as { id: string }).id, username };
}
const login = (username: string, password: string, from: string) =>
  t.http().post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username, password });

describe('sign-in limits', () => {
  it('20 concurrent wrong passwords for one account: at most 5 are evaluated, the rest wait', async () => {
    const { username } = await person();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(username, `guess ${i}`, '203.0.113.7')),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 429).length).toBe(20);
    const limited = answers.find((r) => r.status === 429);
    expect(limited?.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // The right password from that address waits too.
    await login(username, 'the right password', '203.0.113.7').expect(429);
  });

  it('cannot lock the account out for everyone: its owner signs in from elsewhere; an administrator lifts the limit', async () => {
    const { id, username } = await person();
    for (let i = 0; i < 5; i++) {
      await login(username, `guess ${i}`, '198.51.100.9').expect(401);
    }
    await login(username, 'the right password', '198.51.100.9').expect(429);
    await login(username, 'the right password', '192.0.2.44').expect(200);
    const listed = (
      await t
        .http()
        .get('/api/v1/users')
        .set(...admin.auth)
        .expect(200)
    ).body as { username: string; signInBlockedUntil: string | null }[];
    expect(Date.parse(listed.find((u) => u.username === username)?.signInBlockedUntil ?? '')).toBeGreaterThan(
      Date.now(),
    );
    await t
      .http()
      .delete(`/api/v1/users/${id}/sign-in-limits`)
      .set(...admin.auth)
      .expect(204);
    await login(username, 'the right password', '198.51.100.9').expect(200);
  });

  it('a success starts the account afresh from that address', async () => {
    const { username } = await person();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) {
        await login(username, `guess ${i}`, '198.51.100.20').expect(401);
      }
      await login(username, 'the right password', '198.51.100.20').expect(200);
    }
  });
});

describe('ENROLL_TRUST_PROXY', () => {
  it('is off by default: X-Forwarded-For does not let a caller rotate addresses past the limit', async () => {
    const direct = await startTestApp();
    try {
      const boss = await signInAdmin(direct);
      await direct
        .http()
        .post('/api/v1/users')
        .set(...boss.auth)
        .send({ username: 'rotator', password: 'the right password', role: 'admin' })
        .expect(201);
      for (let i = 0; i < 5; i++) {
        await direct
          .http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', `203.0.113.${i}`)
          .send({ username: 'rotator', password: 'wrong' })
          .expect(401);
      }
      await direct
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '203.0.113.200')
        .send({ username: 'rotator', password: 'wrong' })
        .expect(429);
      const audit = await direct
        .http()
        .get('/api/v1/audit?actor=admin&limit=5')
        .set(...boss.auth)
        .expect(200);
      const logins = (audit.body as { items: { action: string; details: { ip?: string } }[] }).items.filter(
        (e) => e.action === 'auth.login',
      );
      expect(logins[0]?.details.ip).not.toMatch(/^203\.0\.113\./);
    } finally {
      await direct.close();
    }
  });
});
