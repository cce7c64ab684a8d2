import { DatabaseMaintenance, MAINTAINED_TABLES } from '../src/database/maintenance.service';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, signInAdmin, submit, type Tenant } from './support/factories';

/**
 * Plans on the hot path must not depend on planner statistics: autovacuum is off on some servers
 * (it is on these machines) and the embedded PGlite has none, so a table may never be analyzed.
 * The work is read from the buffers a statement touches, which counts what its nested PL/pgSQL
 * statements read: a scan of the organization's requests touches about one buffer per row.
 */
let t: TestApp;
let a: Tenant;
const ROWS = 20000;

beforeAll(async () => {
  t = await startTestApp();
  a = await createTenant(t, await signInAdmin(t));
  const { id } = await submit(t, a, 'workstation');
  // Many requests of the same organization and kind, submitted ...
  const runner = t.db.createQueryRunner();
  try {
    await runner.query(
      `INSERT INTO requests (organization_id, package_id, kind, status, enrollment_type, common_name, subject, csr_der, spki_sha256, public_key,
                             requested_extensions, device, phone, description, requested_by, rejection_reason, submitted_at, updated_at)
       SELECT organization_id, package_id, kind, 'Pending', enrollment_type, 'bulk-' || g, subject, csr_der, spki_sha256, public_key,
              requested_extensions, device, phone, description, requested_by, NULL, submitted_at, updated_at
         FROM requests, generate_series(1, ${ROWS}) AS g WHERE id = $1`,
      [id],
    );
    // ... then decided, as the API does: their old versions stay in the open-subject index until a vacuum.
    await runner.query(`UPDATE requests SET status = 'Approved' WHERE common_name LIKE 'bulk-%'`);
    await runner.query(`SELECT pg_stat_force_next_flush()`); // so that the statistics counters see these rows
  } finally {
    await runner.release();
  }
}, 60_000);
afterAll(() => t.close());

describe('plans that do not depend on statistics', () => {
  it("finds the older open request of a subject through ux_requests_open_subject, not by scanning the organization's requests", async () => {
    const [stats] = await t.db.query<{ reltuples: number }[]>(
      `SELECT reltuples FROM pg_class WHERE relname = 'requests'`,
    );
    expect(stats?.reltuples).toBe(-1); // never analyzed: the planner has no statistics

    const runner = t.db.createQueryRunner();
    try {
      // One connection, so PL/pgSQL's cached (generic, after five calls) plan is the one measured.
      const [template] = (await runner.query(
        `SELECT to_jsonb(r) - 'id' AS request, organization_id FROM requests r WHERE package_id = $1 AND status = 'Pending'`,
        [a.packageId],
      )) as { request: Record<string, unknown>; organization_id: string }[];
      const cancel = {
        organizationId: template!.organization_id,
        status: 'Cancelled',
        at: new Date(),
        actor: 'test',
        actorType: 'package',
        action: 'request.cancel',
        reason: 'Superseded by request {id}.',
      };
      const buffers: number[] = [];
      for (let i = 0; i < 8; i++) {
        const request = { ...template!.request, common_name: `plan-${i}`, status: 'Pending' };
        const plan = (await runner.query(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT enroll_submit_request($1, '[]', $2, false)`,
          [JSON.stringify(request), JSON.stringify(cancel)],
        )) as { 'QUERY PLAN': { Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }[] }[];
        const top = plan[0]!['QUERY PLAN'][0]!.Plan;
        buffers.push(top['Shared Hit Blocks'] + top['Shared Read Blocks']);
      }
      // A submission inserts one row into a dozen indexes and writes its counters: tens of buffers,
      // where a scan of the organization's requests would touch thousands.
      expect(Math.max(...buffers.slice(5))).toBeLessThan(ROWS / 8);
    } finally {
      await runner.release();
    }
  });

  it('keeps the counters per status right through a bulk update (linear: the transition tables are not joined)', async () => {
    const counted = await t.db.query<{ status: string; n: number }[]>(
      `SELECT status, sum(count)::int AS n FROM request_counts c JOIN enrollment_packages p ON p.organization_id = c.organization_id
        WHERE p.id = $1 GROUP BY status HAVING sum(count) <> 0 ORDER BY status`,
      [a.packageId],
    );
    const actual = await t.db.query<{ status: string; n: number }[]>(
      `SELECT r.status, count(*)::int AS n FROM requests r JOIN enrollment_packages p ON p.organization_id = r.organization_id
        WHERE p.id = $1 GROUP BY r.status ORDER BY r.status`,
      [a.packageId],
    );
    expect(counted).toEqual(actual);
    expect(actual.find((row) => row.status === 'Approved')?.n).toBe(ROWS);
  });

  it('vacuums and analyzes the busy tables itself when autovacuum is off, and leaves them to autovacuum when it is on', async () => {
    const [setting] = await t.db.query<{ on: boolean }[]>(`SELECT current_setting('autovacuum') = 'on' AS on`);
    const done = await t.app.get(DatabaseMaintenance).run();
    const [stats] = await t.db.query<{ reltuples: number }[]>(
      `SELECT reltuples FROM pg_class WHERE relname = 'requests'`,
    );
    if (setting?.on) {
      expect(done).toEqual([]);
    } else {
      expect(done).toContain('requests');
      expect(done.every((table) => (MAINTAINED_TABLES as readonly string[]).includes(table))).toBe(true);
      expect(stats?.reltuples).toBeGreaterThan(ROWS * 0.9);
    }
  });
});
