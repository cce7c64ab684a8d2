import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, makeCsr, orgCode, signInAdmin, submit, type Session, type Tenant } from './support/factories';

/**
 * Every endpoint x {anonymous, package A, package B, manager A, manager B, admin}, on records of
 * organization A: the exact status, and never a 5xx. Mutating cells get a fresh record each.
 */
type Who = 'anonymous' | 'pkgA' | 'pkgB' | 'mgrA' | 'mgrB' | 'admin';
const WHO: Who[] = ['anonymous', 'pkgA', 'pkgB', 'mgrA', 'mgrB', 'admin'];

let t: TestApp;
let admin: Session;
let a: Tenant;
let b: Tenant;
let managerAId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
  b = await createTenant(t, admin);
  const users = await t
    .http()
    .get('/api/v1/users')
    .set(...admin.auth)
    .expect(200);
  managerAId =
    (users.body as { id: string; organizationCode: string }[]).find((u) => u.organizationCode === a.code)?.id ?? '';
});
afterAll(() => t.close());

function headers(who: Who): [string, string] | undefined {
  switch (who) {
    case 'anonymous':
      return undefined;
    case 'pkgA':
      return a.pkg;
    case 'pkgB':
      return b.pkg;
    case 'mgrA':
      return a.manager.auth;
    case 'mgrB':
      return b.manager.auth;
    case 'admin':
      return admin.auth;
  }
}

const approved = async (kind: 'workstation' | 'server' = 'workstation'): Promise<{ id: number; serial: string }> => {
  const { id } = await submit(t, a, kind);
  const response = await t
    .http()
    .post(`/api/v1/requests/${id}/approve`)
    .set(...admin.auth)
    .send({})
    .expect(200);
  return { id, serial: (response.body as { certificate: { serialNumber: string } }).certificate.serialNumber };
};
const pending = async (kind: 'workstation' | 'server' = 'workstation'): Promise<number> =>
  (await submit(t, a, kind)).id;
const freshUser = async (): Promise<string> =>
  (
    (
      await t
        .http()
        .post('/api/v1/users')
        .set(...admin.auth)
        .send({
          username: `p${orgCode().toLowerCase()}`,
          password: 'a long password 1',
          role: 'manager',
          organizationCode: a.code,
        })
        .expect(201)
    ).body as { id: string }
  ).id;

const freshWebhook = async (): Promise<string> =>
  (
    (
      await t
        .http()
        .post('/api/v1/webhooks')
        .set(...admin.auth)
        .send({ url: 'https://hooks.example/enroll', events: ['certificate.revoked'], secret: 'a webhook secret 123' })
        .expect(201)
    ).body as { id: string }
  ).id;

interface Cell {
  readonly name: string;
  readonly expected: Record<Who, number>;
  readonly call: () => Promise<{ method: 'get' | 'post' | 'delete'; path: string; body?: unknown }>;
}

const adminOnly = (ok: number): Record<Who, number> => ({
  anonymous: 401,
  pkgA: 401,
  pkgB: 401,
  mgrA: 403,
  mgrB: 403,
  admin: ok,
});
const people = (ok: number): Record<Who, number> => ({
  anonymous: 401,
  pkgA: 401,
  pkgB: 401,
  mgrA: ok,
  mgrB: ok,
  admin: ok,
});
const ownOrg = (ok: number, mgrA = ok): Record<Who, number> => ({
  anonymous: 401,
  pkgA: 401,
  pkgB: 401,
  mgrA,
  mgrB: 404,
  admin: ok,
});
const packages = (own: number, foreign: number): Record<Who, number> => ({
  anonymous: 401,
  pkgA: own,
  pkgB: foreign,
  mgrA: 401,
  mgrB: 401,
  admin: 401,
});

const CELLS: Cell[] = [
  {
    name: 'GET organizations',
    expected: adminOnly(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/organizations' }),
  },
  {
    name: 'POST organizations',
    expected: adminOnly(201),
    call: () =>
      Promise.resolve({
        method: 'post',
        path: '/api/v1/organizations',
        body: { code: orgCode(), name: 'New', country: 'BE' },
      }),
  },
  {
    name: 'GET users',
    expected: adminOnly(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/users' }),
  },
  {
    name: 'POST users',
    expected: adminOnly(201),
    call: () =>
      Promise.resolve({
        method: 'post',
        path: '/api/v1/users',
        body: {
          username: `u${orgCode().toLowerCase()}`,
          password: 'a long password 1',
          role: 'manager',
          organizationCode: a.code,
        },
      }),
  },
  {
    name: 'POST users/:id/certificate',
    expected: adminOnly(200),
    call: () =>
      Promise.resolve({
        method: 'post',
        path: `/api/v1/users/${managerAId}/certificate`,
        body: { password: 'p12 password' },
      }),
  },
  {
    name: 'GET packages',
    expected: adminOnly(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/packages' }),
  },
  {
    name: 'POST packages',
    expected: adminOnly(201),
    call: () =>
      Promise.resolve({
        method: 'post',
        path: '/api/v1/packages',
        body: { organizationCode: a.code, environment: 'Test', store: 'user', kinds: ['mobile'] },
      }),
  },
  {
    name: 'POST packages/:id/disable',
    expected: adminOnly(200),
    call: async () => {
      const created = await t
        .http()
        .post('/api/v1/packages')
        .set(...admin.auth)
        .send({ organizationCode: a.code, environment: 'Tmp', store: 'user', kinds: ['mobile'] })
        .expect(201);
      return { method: 'post', path: `/api/v1/packages/${(created.body as { id: string }).id}/disable` };
    },
  },
  {
    name: 'GET audit',
    expected: adminOnly(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/audit' }),
  },
  {
    name: 'GET users/:id/certificates',
    expected: adminOnly(200),
    call: () => Promise.resolve({ method: 'get', path: `/api/v1/users/${managerAId}/certificates` }),
  },
  {
    name: 'POST users/:id/disable',
    expected: adminOnly(200),
    call: async () => ({ method: 'post', path: `/api/v1/users/${await freshUser()}/disable` }),
  },
  {
    name: 'POST users/:id/enable',
    expected: adminOnly(200),
    call: async () => ({ method: 'post', path: `/api/v1/users/${await freshUser()}/enable` }),
  },
  {
    name: 'POST users/:id/password',
    expected: adminOnly(204),
    call: async () => ({
      method: 'post',
      path: `/api/v1/users/${await freshUser()}/password`,
      body: { password: 'a new password 123' },
    }),
  },
  {
    name: 'DELETE users/:id/sign-in-limits',
    expected: adminOnly(204),
    call: async () => ({ method: 'delete', path: `/api/v1/users/${await freshUser()}/sign-in-limits` }),
  },
  {
    name: 'POST auth/password (too short)',
    expected: people(400),
    call: () =>
      Promise.resolve({
        method: 'post',
        path: '/api/v1/auth/password',
        body: { currentPassword: 'x', newPassword: 'short' },
      }),
  },
  {
    name: 'POST auth/login/certificate (HTTP port)',
    expected: { anonymous: 401, pkgA: 401, pkgB: 401, mgrA: 401, mgrB: 401, admin: 401 },
    call: () => Promise.resolve({ method: 'post', path: '/api/v1/auth/login/certificate', body: {} }),
  },
  {
    name: 'GET auth/me',
    expected: people(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/auth/me' }),
  },
  {
    name: 'GET requests',
    expected: people(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/requests' }),
  },
  {
    name: 'GET requests/counts',
    expected: people(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/requests/counts' }),
  },
  {
    name: 'GET requests/:id',
    expected: ownOrg(200),
    call: async () => ({ method: 'get', path: `/api/v1/requests/${await pending()}` }),
  },
  {
    name: 'POST approve (workstation)',
    expected: ownOrg(200),
    call: async () => ({ method: 'post', path: `/api/v1/requests/${await pending()}/approve`, body: {} }),
  },
  {
    name: 'POST approve (server)',
    expected: ownOrg(200, 403),
    call: async () => ({ method: 'post', path: `/api/v1/requests/${await pending('server')}/approve`, body: {} }),
  },
  {
    name: 'POST reject (workstation)',
    expected: ownOrg(200),
    call: async () => ({ method: 'post', path: `/api/v1/requests/${await pending()}/reject`, body: { reason: 'no' } }),
  },
  {
    name: 'POST reject (server)',
    expected: ownOrg(200, 403),
    call: async () => ({
      method: 'post',
      path: `/api/v1/requests/${await pending('server')}/reject`,
      body: { reason: 'no' },
    }),
  },
  {
    name: 'POST revoke (workstation)',
    expected: ownOrg(200),
    call: async () => ({
      method: 'post',
      path: `/api/v1/requests/${(await approved()).id}/revoke`,
      body: { reason: 'superseded' },
    }),
  },
  {
    name: 'POST revoke (server)',
    expected: ownOrg(200, 403),
    call: async () => ({
      method: 'post',
      path: `/api/v1/requests/${(await approved('server')).id}/revoke`,
      body: { reason: 'superseded' },
    }),
  },
  {
    name: 'GET certificates',
    expected: people(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/certificates' }),
  },
  {
    name: 'GET certificates/:serial',
    expected: ownOrg(200),
    call: async () => ({ method: 'get', path: `/api/v1/certificates/${(await approved()).serial}` }),
  },
  {
    name: 'POST certificates/:serial/revoke (workstation)',
    expected: ownOrg(200),
    call: async () => ({
      method: 'post',
      path: `/api/v1/certificates/${(await approved()).serial}/revoke`,
      body: { reason: 'superseded' },
    }),
  },
  {
    name: 'POST certificates/:serial/revoke (server)',
    expected: ownOrg(200, 403),
    call: async () => ({
      method: 'post',
      path: `/api/v1/certificates/${(await approved('server')).serial}/revoke`,
      body: { reason: 'superseded' },
    }),
  },
  {
    name: 'GET certificates/:serial/download',
    expected: ownOrg(200),
    call: async () => ({
      method: 'get',
      path: `/api/v1/certificates/${(await approved()).serial}/download?format=der`,
    }),
  },
  {
    name: 'POST enrollment/requests',
    expected: packages(201, 201),
    call: async () => ({
      method: 'post',
      path: '/api/v1/enrollment/requests',
      body: { kind: 'mobile', csr: await makeCsr({ cn: `IMEI-${orgCode()}` }), requestedBy: 'x' },
    }),
  },
  {
    name: 'GET enrollment/requests',
    expected: packages(200, 200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/enrollment/requests' }),
  },
  {
    name: 'GET enrollment/requests/:id',
    expected: packages(200, 404),
    call: async () => ({ method: 'get', path: `/api/v1/enrollment/requests/${await pending()}` }),
  },
  {
    name: 'GET enrollment/requests/:id/certificate',
    expected: packages(200, 404),
    call: async () => ({ method: 'get', path: `/api/v1/enrollment/requests/${(await approved()).id}/certificate` }),
  },
  {
    name: 'POST enrollment/requests/:id/installed',
    expected: packages(200, 404),
    call: async () => ({ method: 'post', path: `/api/v1/enrollment/requests/${(await approved()).id}/installed` }),
  },
  {
    name: 'GET health (public)',
    expected: { anonymous: 200, pkgA: 200, pkgB: 200, mgrA: 200, mgrB: 200, admin: 200 },
    call: () => Promise.resolve({ method: 'get', path: '/health' }),
  },
  {
    name: 'GET pki/ca.pem (public)',
    expected: { anonymous: 200, pkgA: 200, pkgB: 200, mgrA: 200, mgrB: 200, admin: 200 },
    call: () => Promise.resolve({ method: 'get', path: '/pki/ca.pem' }),
  },
  {
    name: 'GET pki/crl (public)',
    expected: { anonymous: 200, pkgA: 200, pkgB: 200, mgrA: 200, mgrB: 200, admin: 200 },
    call: () => Promise.resolve({ method: 'get', path: '/pki/crl' }),
  },
  {
    name: 'POST webhooks',
    expected: adminOnly(201),
    call: () =>
      Promise.resolve({
        method: 'post',
        path: '/api/v1/webhooks',
        body: { url: 'https://hooks.example/enroll', events: ['request.pending'], secret: 'a webhook secret 123' },
      }),
  },
  {
    name: 'GET webhooks',
    expected: adminOnly(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/webhooks' }),
  },
  {
    name: 'DELETE webhooks/:id',
    expected: adminOnly(204),
    call: async () => ({ method: 'delete', path: `/api/v1/webhooks/${await freshWebhook()}` }),
  },
  {
    name: 'GET webhooks/:id/deliveries',
    expected: adminOnly(200),
    call: async () => ({ method: 'get', path: `/api/v1/webhooks/${await freshWebhook()}/deliveries` }),
  },
  {
    name: 'GET notifications/settings',
    expected: people(200),
    call: () => Promise.resolve({ method: 'get', path: '/api/v1/notifications/settings' }),
  },
  {
    name: 'POST auth/login, wrong password (public)',
    expected: { anonymous: 401, pkgA: 401, pkgB: 401, mgrA: 401, mgrB: 401, admin: 401 },
    call: () =>
      Promise.resolve({
        method: 'post',
        path: '/api/v1/auth/login',
        body: { username: `nobody${orgCode()}`, password: 'wrong' },
      }),
  },
];

describe.each(CELLS)('$name', (cell) => {
  it.each(WHO)('as %s', async (who) => {
    const { method, path, body } = await cell.call();
    let call = t.http()[method](path);
    const auth = headers(who);
    if (auth) {
      call = call.set(...auth);
    }
    const response = await (body === undefined ? call : call.send(body as object));
    expect(response.status).toBeLessThan(500);
    expect(`${who} ${response.status}`).toBe(`${who} ${cell.expected[who]}`);
    if (response.status >= 400) {
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});
