import type { RecentNotificationView, Wire } from '@enroll/contract';
import { NotificationWorker } from '../src/notifications/notification-worker';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, signInAdmin, submit, type Session, type Tenant } from './support/factories';

/** The portal's bell: GET /api/v1/notifications/recent, on PostgreSQL. */
let t: TestApp;
let admin: Session;
let a: Tenant;
let b: Tenant;

type Recent = Wire<RecentNotificationView>;

beforeAll(async () => {
  t = await startTestApp();
  // The worker only expands the outbox: it does not change what the bell reads, but stays out of the way.
  await t.app.get(NotificationWorker).stop();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
  b = await createTenant(t, admin);
});
afterAll(() => t.close());

async function recent(session: Session, after?: number): Promise<Recent[]> {
  const response = await t
    .http()
    .get(`/api/v1/notifications/recent${after === undefined ? '' : `?after=${after}`}`)
    .set(...session.auth)
    .expect(200);
  const body = response.body as { items: Recent[]; nextCursor: null };
  expect(body.nextCursor).toBeNull();
  return body.items;
}

/** `count` certificate.expiring events of an organization, written straight into the outbox. */
async function expiringEvents(code: string, count: number): Promise<void> {
  await t.db.query(
    `INSERT INTO notification_outbox (event, at, organization_id, data)
     SELECT 'certificate.expiring', now(), (SELECT id FROM organizations WHERE code = $1),
            jsonb_build_object('serialNumber', 'B0' || g, 'commonName', 'bulk-' || g, 'days', 30)
       FROM generate_series(1, $2::int) g`,
    [code, count],
  );
}

describe('GET /api/v1/notifications/recent', () => {
  let approvedId: number;
  let rejectedId: number;

  beforeAll(async () => {
    const approved = await submit(t, a, 'workstation', { freshKey: true });
    approvedId = approved.id;
    await t
      .http()
      .post(`/api/v1/requests/${approvedId}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(200);
    rejectedId = (await submit(t, a, 'workstation', { freshKey: true })).id;
    await t
      .http()
      .post(`/api/v1/requests/${rejectedId}/reject`)
      .set(...a.manager.auth)
      .send({ reason: 'Not our device' })
      .expect(200);
    await submit(t, b, 'workstation', { freshKey: true });
    // B's events are the newest, and more than a page: a scope applied after the LIMIT would leave A's manager nothing.
    await expiringEvents(b.code, 25);
  });

  it("gives a manager its organization's events only, newest first, with their summary", async () => {
    const mine = await recent(a.manager);
    expect(mine.map((e) => e.organizationCode)).toEqual([a.code, a.code, a.code, a.code]);
    expect(mine.map((e) => [e.event, e.requestId])).toEqual([
      ['request.rejected', rejectedId],
      ['request.pending', rejectedId],
      ['request.approved', approvedId],
      ['request.pending', approvedId],
    ]);
    const ids = mine.map((e) => e.id);
    expect([...ids].sort((x, y) => y - x)).toEqual(ids);
    const [rejected, , approved] = mine;
    expect(rejected?.reason).toBe('Not our device');
    expect(rejected?.commonName).toMatch(/^[0-9A-F]{24}$/);
    expect(approved?.serial).toMatch(/^[0-9A-F]+$/i);
    expect(approved?.reason).toBeUndefined();
    expect(Date.parse(approved?.at ?? '')).not.toBeNaN();
  });

  it("never shows a manager another organization's events", async () => {
    // A's newest now: an unscoped read would put them first in B's list.
    await expiringEvents(a.code, 3);
    const theirs = await recent(b.manager);
    expect(theirs).toHaveLength(20);
    expect(theirs.every((e) => e.organizationCode === b.code)).toBe(true);
    const aRequests = new Set([approvedId, rejectedId]);
    expect(theirs.some((e) => e.requestId !== null && aRequests.has(e.requestId))).toBe(false);
    // Nor when asking past the newest: A's ids are below B's, and still not B's to see.
    expect(await recent(b.manager, 0)).toHaveLength(20);
    expect((await recent(b.manager, 0)).every((e) => e.organizationCode === b.code)).toBe(true);
  });

  it('gives an administrator every organization, the latest 20', async () => {
    const all = await recent(admin);
    expect(all).toHaveLength(20);
    expect(new Set(all.map((e) => e.organizationCode))).toEqual(new Set([a.code, b.code]));
    expect(all[0]).toMatchObject({ event: 'certificate.expiring', organizationCode: a.code, commonName: 'bulk-3' });
    expect(all.find((e) => e.organizationCode === b.code)).toMatchObject({ commonName: 'bulk-25', serial: 'B025' });
    const [newest] = await t.db.query<{ id: string }[]>(`SELECT max(id) AS id FROM notification_outbox`);
    expect(all[0]?.id).toBe(Number(newest?.id));
  });

  it('answers only the events after the id given', async () => {
    const mine = await recent(a.manager);
    const [newest, second] = mine;
    expect(await recent(a.manager, newest!.id)).toEqual([]);
    expect((await recent(a.manager, second!.id)).map((e) => e.id)).toEqual([newest!.id]);
    await expiringEvents(a.code, 1);
    const fresh = await recent(a.manager, newest!.id);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatchObject({ event: 'certificate.expiring', organizationCode: a.code, requestId: null });
  });

  it('refuses an after that is not an id, and a package token', async () => {
    await t
      .http()
      .get('/api/v1/notifications/recent?after=abc')
      .set(...a.manager.auth)
      .expect(400);
    await t
      .http()
      .get('/api/v1/notifications/recent?after=-1')
      .set(...a.manager.auth)
      .expect(400);
    await t
      .http()
      .get('/api/v1/notifications/recent')
      .set(...a.pkg)
      .expect(401);
    await t.http().get('/api/v1/notifications/recent').expect(401);
  });

  it("reads one organization's events through its index (migration 1764000000071)", async () => {
    const plan = await t.db.transaction(async (m) => {
      // The test's outbox is small: without this, a sequential scan is cheapest and proves nothing.
      await m.query(`SET LOCAL enable_seqscan = off`);
      return m.query<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT * FROM notification_outbox n
          WHERE n.organization_id = (SELECT id FROM organizations WHERE code = $1) ORDER BY n.id DESC LIMIT 20`,
        [a.code],
      );
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('ix_notification_outbox_organization');
  });
});
