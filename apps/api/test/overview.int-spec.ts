import type { AuditEventView, CertificateDetail, CertificateView, DashboardView, Page, Wire } from '@enroll/contract';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, signInAdmin, submit, type Session, type Tenant } from './support/factories';

/** What the portal's overview, certificates and audit pages read: scoped, filtered, exported. */
let t: TestApp;
let admin: Session;
let a: Tenant;
let b: Tenant;
let approvedId: number;
let serial: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  [a, b] = [await createTenant(t, admin, { kinds: ['workstation', 'server'] }), await createTenant(t, admin)];
  approvedId = (await submit(t, a, 'workstation')).id;
  const approved = await t
    .http()
    .post(`/api/v1/requests/${approvedId}/approve`)
    .set(...a.manager.auth)
    .send({})
    .expect(200);
  serial = (approved.body as { certificate: { serialNumber: string } }).certificate.serialNumber;
  await submit(t, a, 'workstation');
  await submit(t, a, 'server');
  await submit(t, b, 'workstation');
});
afterAll(() => t.close());

const get = async <T>(session: Session, path: string): Promise<T> =>
  (
    await t
      .http()
      .get(path)
      .set(...session.auth)
      .expect(200)
  ).body as T;

describe('the dashboard', () => {
  it("gives a manager their organization's pending, oldest, requests per day and expiries only", async () => {
    const mine = await get<Wire<DashboardView>>(a.manager, '/api/v1/dashboard');
    expect(mine.pendingByOrganization).toEqual(
      [
        { organizationCode: a.code, kind: 'server', count: 1 },
        { organizationCode: a.code, kind: 'workstation', count: 1 },
      ].sort((x, y) => y.count - x.count || x.kind.localeCompare(y.kind)),
    );
    expect(mine.oldestPending.every((o) => o.organizationCode === a.code)).toBe(true);
    expect(mine.requestsPerDay.reduce((n, d) => n + d.count, 0)).toBe(3);
    expect(mine.expiringPerMonth.reduce((n, m) => n + m.count, 0)).toBe(0);
    const all = await get<Wire<DashboardView>>(admin, '/api/v1/dashboard');
    expect(all.pendingByOrganization.map((p) => p.organizationCode)).toEqual(expect.arrayContaining([a.code, b.code]));
    expect(all.requestsPerDay.reduce((n, d) => n + d.count, 0)).toBeGreaterThanOrEqual(4);
  });
});

describe('the certificates list', () => {
  it('filters by kind and finds by a fragment of the common name or the start of the serial, within the scope', async () => {
    const byKind = await get<Wire<Page<CertificateView>>>(
      a.manager,
      '/api/v1/certificates?kind=workstation&status=valid',
    );
    expect(byKind.items.map((c) => c.serialNumber)).toEqual([serial]);
    expect((await get<Wire<Page<CertificateView>>>(a.manager, '/api/v1/certificates?kind=server')).items).toEqual([]);
    const cn = byKind.items[0]!.commonName;
    expect(
      (
        await get<Wire<Page<CertificateView>>>(
          a.manager,
          `/api/v1/certificates?q=${encodeURIComponent(cn.slice(5, 15))}`,
        )
      ).items.map((c) => c.serialNumber),
    ).toEqual([serial]);
    const pasted = serial
      .slice(0, 6)
      .toLowerCase()
      .replace(/(..)(?!$)/g, '$1:');
    expect(
      (
        await get<Wire<Page<CertificateView>>>(a.manager, `/api/v1/certificates?q=${encodeURIComponent(pasted)}`)
      ).items.map((c) => c.serialNumber),
    ).toEqual([serial]);
    expect(
      (await get<Wire<Page<CertificateView>>>(b.manager, `/api/v1/certificates?q=${encodeURIComponent(cn)}`)).items,
    ).toEqual([]);
    const bad = await t
      .http()
      .get('/api/v1/certificates?kind=root')
      .set(...a.manager.auth)
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('decodes one certificate with node, for its detail page', async () => {
    const one = await get<Wire<CertificateDetail>>(a.manager, `/api/v1/certificates/${serial}`);
    expect(one.decoded).toMatchObject({
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
      fingerprintSha256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) as string,
    });
    expect(one.decoded?.issuer).toContain('CN=');
    await t
      .http()
      .get(`/api/v1/certificates/${serial}`)
      .set(...b.manager.auth)
      .expect(404);
  });
});

describe('the audit log', () => {
  it('filters by action, target and dates', async () => {
    const approvals = await get<Wire<Page<AuditEventView>>>(admin, '/api/v1/audit?action=request.approve&limit=200');
    expect(approvals.items.map((e) => e.requestId)).toContain(approvedId);
    expect(approvals.items.every((e) => e.action === 'request.approve')).toBe(true);
    const future = await get<Wire<Page<AuditEventView>>>(
      admin,
      `/api/v1/audit?from=${new Date(Date.now() + 3_600_000).toISOString()}`,
    );
    expect(future.items).toEqual([]);
    const past = await get<Wire<Page<AuditEventView>>>(
      admin,
      `/api/v1/audit?to=${new Date(Date.now() - 86_400_000).toISOString()}`,
    );
    expect(past.items).toEqual([]);
    for (const query of ['action=DROP%20TABLE', 'from=yesterday', 'target=%0A']) {
      const bad = await t
        .http()
        .get(`/api/v1/audit?${query}`)
        .set(...admin.auth)
        .expect(400);
      expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('exports the filtered log as CSV, for administrators only', async () => {
    const response = await t
      .http()
      .get('/api/v1/audit/export.csv?action=request.approve')
      .set(...admin.auth)
      .expect(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toContain('audit.csv');
    const lines = response.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('id,at,actor,actor_type,action,target,request_id,organization,ip,details');
    expect(lines.slice(1).every((l) => l.includes(',request.approve,'))).toBe(true);
    expect(lines.some((l) => l.includes(`,${approvedId},`))).toBe(true);
    await t
      .http()
      .get('/api/v1/audit/export.csv')
      .set(...a.manager.auth)
      .expect(403);
  });
});
