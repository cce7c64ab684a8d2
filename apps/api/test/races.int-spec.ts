import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, makeCsr, signInAdmin, submit, type Session, type Tenant } from './support/factories';

let t: TestApp;
let admin: Session;
let a: Tenant;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
});
afterAll(() => t.close());

describe('concurrency', () => {
  it('50 concurrent approvals of one request: exactly one certificate and 49 times 409', async () => {
    const { id } = await submit(t, a, 'workstation');
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t
          .http()
          .post(`/api/v1/requests/${id}/approve`)
          .set(...(i % 2 ? admin.auth : a.manager.auth))
          .send({})
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const [certs] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM certificates WHERE request_id = $1`,
      [id],
    );
    expect(certs?.n).toBe(1);
    const [approvals] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM request_history WHERE request_id = $1 AND status = 'Approved'`,
      [id],
    );
    expect(approvals?.n).toBe(1);
  });

  it('20 concurrent submissions for one subject leave exactly one open request; the others are Cancelled', async () => {
    const cn = 'race-subject.example.org';
    const csrs = await Promise.all(Array.from({ length: 20 }, () => makeCsr({ cn })));
    const statuses = await Promise.all(
      csrs.map((csr) =>
        t
          .http()
          .post('/api/v1/enrollment/requests')
          .set(...a.pkg)
          .send({ kind: 'server', csr, requestedBy: 'DOMAIN\\racer' })
          .then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 201)).toBe(true);
    const rows = await t.db.query<{ status: string; n: number }[]>(
      `SELECT status, count(*)::int AS n FROM requests WHERE common_name = $1 GROUP BY status ORDER BY status`,
      [cn],
    );
    expect(rows).toEqual([
      { status: 'Cancelled', n: 19 },
      { status: 'Pending', n: 1 },
    ]);
  });

  it('approve racing reject ends in one consistent state', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = await submit(t, a, 'workstation');
      const [approve, reject] = await Promise.all([
        t
          .http()
          .post(`/api/v1/requests/${id}/approve`)
          .set(...a.manager.auth)
          .send({}),
        t
          .http()
          .post(`/api/v1/requests/${id}/reject`)
          .set(...admin.auth)
          .send({ reason: 'race' }),
      ]);
      expect([approve.status, reject.status].sort()).toEqual([200, 409]);
      const [row] = await t.db.query<{ status: string; serial: string | null; certs: number; reason: string | null }[]>(
        `SELECT r.status, r.certificate_serial AS serial, r.rejection_reason AS reason, (SELECT count(*)::int FROM certificates c WHERE c.request_id = r.id) AS certs FROM requests r WHERE r.id = $1`,
        [id],
      );
      if (approve.status === 200) {
        expect(row).toMatchObject({ status: 'Approved', certs: 1, reason: null });
        expect(row?.serial).toBeTruthy();
      } else {
        expect(row).toMatchObject({ status: 'Rejected', certs: 0, serial: null, reason: 'race' });
      }
    }
  });

  it('after the races, the status counters agree with the requests table, and with what the API reports', async () => {
    const counted = await t.db.query<{ organization_id: string; status: string; n: number }[]>(
      `SELECT organization_id, status, sum(count)::int AS n FROM request_counts GROUP BY 1, 2 HAVING sum(count) <> 0 ORDER BY 1, 2`,
    );
    const actual = await t.db.query<{ organization_id: string; status: string; n: number }[]>(
      `SELECT organization_id, status, count(*)::int AS n FROM requests GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(counted).toEqual(actual);
    expect(actual.map((r) => r.status)).toEqual(expect.arrayContaining(['Approved', 'Cancelled', 'Pending']));
    const reported = (
      await t
        .http()
        .get('/api/v1/requests/counts')
        .set(...a.manager.auth)
        .expect(200)
    ).body as Record<string, number>;
    expect(reported).toEqual(Object.fromEntries(actual.map((r) => [r.status, r.n])));
  });
});
