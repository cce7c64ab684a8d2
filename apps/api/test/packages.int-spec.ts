import type { PackageView, Wire } from '@enroll/contract';
import { startTestApp, tableCounts, type TestApp } from './support/test-app';
import { createTenant, signInAdmin, submit, type Session, type Tenant } from './support/factories';

/** Packages told apart on the portal's page (issue 14): label, maker, last use, requests made. */
let t: TestApp;
let admin: Session;
let a: Tenant;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
});
afterAll(() => t.close());

const listed = async (id: string): Promise<Wire<PackageView> | undefined> =>
  (
    (
      await t
        .http()
        .get('/api/v1/packages')
        .set(...admin.auth)
        .expect(200)
    ).body as Wire<PackageView>[]
  ).find((p) => p.id === id);

describe('the packages list', () => {
  it('names each package by its label and maker, and tells when a client last used it and how many requests it made', async () => {
    const created = await t
      .http()
      .post('/api/v1/packages')
      .set(...admin.auth)
      .send({
        organizationCode: a.code,
        label: 'Accounting PCs, Bern',
        environment: 'Production',
        store: 'machine',
        kinds: ['workstation'],
      })
      .expect(201);
    const body = created.body as Wire<PackageView> & { token: string };
    expect(body).toMatchObject({
      label: 'Accounting PCs, Bern',
      createdBy: 'admin',
      lastUsedAt: null,
      requestsMade: 0,
    });
    expect(await listed(body.id)).toMatchObject({
      label: 'Accounting PCs, Bern',
      createdBy: 'admin',
      lastUsedAt: null,
      requestsMade: 0,
    });

    const pkg: [string, string] = ['Authorization', `Bearer ${body.token}`];
    await submit(t, { pkg }, 'workstation', { freshKey: true });
    await submit(t, { pkg }, 'workstation', { freshKey: true });
    // The use is stamped beside the answer, not before it.
    const end = Date.now() + 5000;
    let now = await listed(body.id);
    while (now?.lastUsedAt === null && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      now = await listed(body.id);
    }
    expect(now?.requestsMade).toBe(2);
    expect(Math.abs(new Date(now?.lastUsedAt ?? 0).getTime() - Date.now())).toBeLessThan(60_000);
    // Another package's requests are its own.
    expect((await listed(a.packageId))?.requestsMade).toBe(0);
  });

  it('refuses a label with control characters or over 100 characters, storing nothing', async () => {
    const before = await tableCounts(t.db);
    for (const label of ['Bern\u001b[31m', 'x'.repeat(101), '']) {
      const refused = await t
        .http()
        .post('/api/v1/packages')
        .set(...admin.auth)
        .send({ organizationCode: a.code, label, environment: 'Production', store: 'machine', kinds: ['workstation'] })
        .expect(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await tableCounts(t.db)).toEqual(before);
  });
  it("lets a replacement package (same organization, environment, store) pick up its disabled predecessor's certificate; no other package", async () => {
    const make = async (code: string, environment: string): Promise<{ id: string; pkg: [string, string] }> => {
      const created = await t
        .http()
        .post('/api/v1/packages')
        .set(...admin.auth)
        .send({ organizationCode: code, environment, store: 'machine', kinds: ['workstation'] })
        .expect(201);
      const body = created.body as { id: string; token: string };
      return { id: body.id, pkg: ['Authorization', `Bearer ${body.token}`] };
    };
    const old = await make(a.code, 'Lineage');
    const { id } = await submit(t, { pkg: old.pkg }, 'workstation', { freshKey: true });
    await t
      .http()
      .post(`/api/v1/packages/${old.id}/disable`)
      .set(...admin.auth)
      .expect(200);
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(200);
    const refused = await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}`)
      .set(...old.pkg);
    expect(refused.body).toMatchObject({ code: 'PACKAGE_DISABLED' });

    const replacement = await make(a.code, 'Lineage');
    const listed = await t
      .http()
      .get('/api/v1/enrollment/requests?requestedBy=DOMAIN%5Ctester')
      .set(...replacement.pkg)
      .expect(200);
    expect((listed.body as { items: { id: number }[] }).items.map((r) => r.id)).toContain(id);
    await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}/certificate?format=pem`)
      .set(...replacement.pkg)
      .expect(200);
    const installed = await t
      .http()
      .post(`/api/v1/enrollment/requests/${id}/installed`)
      .set(...replacement.pkg)
      .expect(200);
    expect(installed.body).toMatchObject({ id, status: 'Installed' });

    // An enabled sibling's requests stay its own; another environment or organization: not found.
    const sibling = await make(a.code, 'Lineage');
    const own = await submit(t, { pkg: sibling.pkg }, 'workstation', { freshKey: true });
    await t
      .http()
      .get(`/api/v1/enrollment/requests/${own.id}`)
      .set(...replacement.pkg)
      .expect(404);
    await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}`)
      .set(...sibling.pkg)
      .expect(200);
    const test = await make(a.code, 'Test');
    const other = await createTenant(t, admin);
    for (const pkg of [test.pkg, other.pkg]) {
      await t
        .http()
        .get(`/api/v1/enrollment/requests/${id}`)
        .set(...pkg)
        .expect(404);
      await t
        .http()
        .get(`/api/v1/enrollment/requests/${id}/certificate`)
        .set(...pkg)
        .expect(404);
    }
  });
});
