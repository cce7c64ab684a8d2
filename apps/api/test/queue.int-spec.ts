import type { Page, QueueView, RequestCounts, RequestDetail, RequestView, Wire } from '@enroll/contract';
import { startTestApp, type TestApp } from './support/test-app';
import {
  commonNameFor,
  createTenant,
  makeCsr,
  signInAdmin,
  submit,
  type Session,
  type Tenant,
} from './support/factories';

/** The review queue as the portal reads it: keyset pages both ways, filters, search, scoped counts. */
let t: TestApp;
let admin: Session;
let a: Tenant;
let b: Tenant;
const ids: number[] = [];

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  [a, b] = [await createTenant(t, admin), await createTenant(t, admin)];
  for (let i = 0; i < 5; i++) {
    ids.push((await submit(t, a, i % 2 === 0 ? 'workstation' : 'mobile')).id);
  }
  await submit(t, b, 'workstation');
});
afterAll(() => t.close());

type Queue = Wire<Page<RequestView>>;
const queue = async (session: Session, query: string): Promise<Queue> =>
  (
    await t
      .http()
      .get(`/api/v1/requests?${query}`)
      .set(...session.auth)
      .expect(200)
  ).body as Queue;

async function walk(session: Session, query: string): Promise<number[]> {
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Queue = await queue(session, `${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(2);
    seen.push(...page.items.map((r) => r.id));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

describe('the review queue', () => {
  it('pages newest first and oldest first over the same rows, without gaps or repeats', async () => {
    const newest = await walk(a.manager, 'sort=newest');
    const oldest = await walk(a.manager, 'sort=oldest');
    expect(newest).toEqual([...ids].reverse());
    expect(oldest).toEqual(ids);
  });

  it('filters by kind and status, and finds by id or common-name prefix', async () => {
    expect((await queue(a.manager, 'kind=mobile')).items.map((r) => r.id)).toEqual([ids[3], ids[1]]);
    expect((await queue(a.manager, 'status=Approved')).items).toEqual([]);
    // A number finds that id, and any common name or requester that holds those digits.
    const byId = (await queue(a.manager, `q=${ids[2]}`)).items;
    expect(byId.map((r) => r.id)).toContain(ids[2]);
    expect(byId.every((r) => r.id === ids[2] || r.commonName.toLowerCase().includes(String(ids[2])))).toBe(true);
    // Another request's random common name may also start with the digits of ids[0]: pick the row by id.
    const first = (await queue(a.manager, `q=${ids[0]}`)).items.find((r) => r.id === ids[0])!;
    expect(first).toBeDefined();
    const byName = await queue(a.manager, `q=${first.commonName.slice(0, 6).toLowerCase()}`);
    expect(byName.items.map((r) => r.id)).toContain(ids[0]);
  });

  it('refuses an unknown sort, decider or a cursor of another order with a 400 problem', async () => {
    for (const query of ['sort=name', 'decider=everyone', 'q=%0Ajdupont']) {
      const response = await t
        .http()
        .get(`/api/v1/requests?${query}`)
        .set(...a.manager.auth)
        .expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    const page = await queue(a.manager, 'sort=newest&limit=1');
    const response = await t
      .http()
      .get(`/api/v1/requests?sort=commonName&cursor=${page.nextCursor}`)
      .set(...a.manager.auth)
      .expect(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('pages by common name both ways, without gaps or repeats', async () => {
    const names = async (sort: string) => {
      const seen = await walk(a.manager, `sort=${sort}&status=Pending`);
      const all = (await queue(a.manager, 'status=Pending&limit=100')).items;
      return seen.map((id) => all.find((r) => r.id === id)!.commonName.toLowerCase());
    };
    const up = await names('commonName');
    expect(up).toHaveLength(5);
    expect(up).toEqual([...up].sort());
    expect(await names('-commonName')).toEqual([...up].reverse());
  });

  it("counts only the manager's organization; the administrator counts all", async () => {
    const mine = (
      await t
        .http()
        .get('/api/v1/requests/counts')
        .set(...a.manager.auth)
        .expect(200)
    ).body as RequestCounts;
    const theirs = (
      await t
        .http()
        .get('/api/v1/requests/counts')
        .set(...b.manager.auth)
        .expect(200)
    ).body as RequestCounts;
    const all = (
      await t
        .http()
        .get('/api/v1/requests/counts')
        .set(...admin.auth)
        .expect(200)
    ).body as RequestCounts;
    expect(mine).toEqual({ Pending: 5 });
    expect(theirs).toEqual({ Pending: 1 });
    expect(all.Pending).toBe(6);
  });

  it("the detail names the profile's usages for the key, to hold the CSR's requests against", async () => {
    const detail = (
      await t
        .http()
        .get(`/api/v1/requests/${ids[0]}`)
        .set(...a.manager.auth)
        .expect(200)
    ).body as Wire<RequestDetail>;
    expect(detail.profile).toEqual({
      name: 'workstation',
      keyUsage: expect.arrayContaining(['digitalSignature']) as string[],
      extendedKeyUsage: ['clientAuth'],
    });
    expect(detail.canDecide).toBe(true);
  });

  it('finds a fragment anywhere in the requester, description, machine name or FQDN, within the scope only', async () => {
    const cn = commonNameFor('workstation');
    const body = {
      kind: 'workstation',
      csr: await makeCsr({ cn, kind: 'workstation' }),
      requestedBy: 'LAPOSTE\\jdupont',
      description: '\\\\fs01\\partage\\comptabilite',
      device: { machineName: 'PC-ACCUEIL-07', fqdn: 'pc-accueil-07.paris.laposte.example' },
    };
    const { id } = (
      await t
        .http()
        .post('/api/v1/enrollment/requests')
        .set(...a.pkg)
        .send(body)
        .expect(201)
    ).body as { id: number };
    for (const fragment of ['jdupont', 'JDUP', 'comptab', 'accueil-07', 'paris.lapo', cn.slice(20, 32)]) {
      const found = await queue(a.manager, `q=${encodeURIComponent(fragment)}`);
      expect(found.items.map((r) => r.id)).toContain(id);
    }
    const row = (await queue(a.manager, 'q=jdupont')).items.find((r) => r.id === id) as Wire<QueueView>;
    expect(row).toMatchObject({
      description: body.description,
      machineName: 'PC-ACCUEIL-07',
      fqdn: 'pc-accueil-07.paris.laposte.example',
    });
    // Another organization's manager finds nothing; LIKE's wildcards are searched as text.
    expect((await queue(b.manager, 'q=jdupont')).items).toEqual([]);
    expect((await queue(a.manager, 'q=%25%25%25')).items).toEqual([]);
    // The counts follow the search; the status filter is left to the reader.
    const counts = (
      await t
        .http()
        .get('/api/v1/requests/counts?q=jdupont')
        .set(...a.manager.auth)
        .expect(200)
    ).body as RequestCounts;
    expect(counts).toEqual({ Pending: 1 });
    expect(
      (
        await t
          .http()
          .get('/api/v1/requests/counts?q=jdupont')
          .set(...b.manager.auth)
          .expect(200)
      ).body,
    ).toEqual({});
  });

  it('shows what a manager decides apart from what waits for the centre', async () => {
    const server = await submit(t, a, 'server');
    const mine = await queue(a.manager, 'decider=organization&limit=100');
    const centre = await queue(a.manager, 'decider=centre&limit=100');
    expect(mine.items.every((r) => r.kind === 'workstation' || r.kind === 'mobile')).toBe(true);
    expect(centre.items.map((r) => r.id)).toEqual([server.id]);
    const adminCentre = await queue(admin, 'decider=centre&limit=100');
    expect(adminCentre.items.map((r) => r.id)).toContain(server.id);
    const counts = (
      await t
        .http()
        .get('/api/v1/requests/counts?decider=centre')
        .set(...a.manager.auth)
        .expect(200)
    ).body as RequestCounts;
    expect(counts).toEqual({ Pending: 1 });
    const byKind = (
      await t
        .http()
        .get('/api/v1/requests/counts?kind=mobile')
        .set(...a.manager.auth)
        .expect(200)
    ).body as RequestCounts;
    expect(byKind).toEqual({ Pending: 2 });
  });
});
