import type { SubmissionPreview, Wire } from '@enroll/contract';
import { buildCsr, generatePrivateKey, OID } from '@enroll/pki';
import { startTestApp, type TestApp } from './support/test-app';
import { commonNameFor, createTenant, makeCsr, signInAdmin, type Session, type Tenant } from './support/factories';

/**
 * `POST /api/v1/enrollment/requests?dryRun=true` (docs/api.md): every check of a submission runs,
 * the same problems come back, and nothing is written: every table's content is the same after.
 */
let t: TestApp;
let admin: Session;
let a: Tenant;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
});
afterAll(async () => {
  await t.close();
});

/** A digest of every table's rows: a write anywhere (a row added, changed or removed) changes it. */
async function databaseDigest(): Promise<Record<string, string>> {
  const tables = await t.db.query<{ name: string }[]>(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await t.db.query<{ md5: string | null; n: number }[]>(
      // expanded_at: the notification worker stamps what it has expanded, in the background;
      // last_used_at: the package's usage stamp (a dry run does use the package).
      `SELECT md5(string_agg((to_jsonb(x) - 'expanded_at' - 'last_used_at')::text, '|' ORDER BY (to_jsonb(x) - 'expanded_at' - 'last_used_at')::text)) AS md5,
              count(*)::int AS n FROM ${name} x`,
    );
    digest[name] = `${row?.n ?? 0}:${row?.md5 ?? ''}`;
  }
  return digest;
}

const body = async (kind: string, cn: string, requestedBy = 'DOMAIN\\alice', csr?: string) => ({
  kind,
  csr: csr ?? (await makeCsr({ cn, kind: kind as 'workstation' })),
  requestedBy,
  phone: '+33 1 23',
  description: 'dry run',
  device: { machineName: 'PC-1', macAddress: '00:1A:2B:3C:4D:5E' },
});

const dryRun = (tenant: Pick<Tenant, 'pkg'>, payload: object, status = 200) =>
  t
    .http()
    .post('/api/v1/enrollment/requests?dryRun=true')
    .set(...tenant.pkg)
    .send(payload)
    .expect(status);

describe('a dry run of a submission', () => {
  it('answers 200 with the subject, usages, names and validity the profile gives, and writes nothing', async () => {
    const cn = commonNameFor('server');
    const before = await databaseDigest();
    const response = await dryRun(a, await body('server', cn.toUpperCase()));
    expect(response.body as Wire<SubmissionPreview>).toEqual({
      kind: 'server',
      subject: `CN=${cn.toUpperCase()},OU=Server,O=${a.code},L=Paris,C=FR`,
      commonName: cn.toUpperCase(),
      keyUsage: ['digitalSignature', 'keyAgreement'],
      extendedKeyUsage: ['clientAuth'],
      subjectAltNames: [{ type: 'dns', value: cn }],
      validityDays: 397,
      enrollmentType: 'Machine',
      verdict: 'Pending',
      cancels: [],
    });
    expect(await databaseDigest()).toEqual(before);
  });

  it("names the requester's open request it would cancel (DNS names without case), and leaves it Pending", async () => {
    const cn = commonNameFor('server');
    const open = await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .send(await body('server', cn))
      .expect(201);
    const openId = (open.body as { id: number }).id;
    const before = await databaseDigest();
    const same = await dryRun(a, await body('server', cn.toUpperCase()));
    expect(same.body).toMatchObject({ verdict: 'Pending', cancels: [openId] });
    const otherRequester = await dryRun(a, await body('server', cn, 'DOMAIN\\bob'));
    expect(otherRequester.body).toMatchObject({ verdict: 'Pending', cancels: [] });
    expect(await databaseDigest()).toEqual(before);
    const detail = await t
      .http()
      .get(`/api/v1/requests/${openId}`)
      .set(...admin.auth)
      .expect(200);
    expect(detail.body).toMatchObject({ status: 'Pending' });
    // The real submission cancels exactly what the dry run said.
    await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .send(await body('server', cn.toUpperCase()))
      .expect(201);
    const after = await t
      .http()
      .get(`/api/v1/requests/${openId}`)
      .set(...admin.auth)
      .expect(200);
    expect(after.body).toMatchObject({ status: 'Cancelled' });
  });

  it('refuses a bad CSR and a CN the profile refuses with the problems of a real submission, writing nothing', async () => {
    const before = await databaseDigest();
    const garbage = { ...(await body('workstation', 'x')), csr: 'not a CSR' };
    const real = await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .send(garbage);
    const dry = await t
      .http()
      .post('/api/v1/enrollment/requests?dryRun=true')
      .set(...a.pkg)
      .send(garbage);
    expect(real.status).toBeGreaterThanOrEqual(400);
    expect([dry.status, (dry.body as { code: string }).code]).toEqual([
      real.status,
      (real.body as { code: string }).code,
    ]);
    const badCn = await dryRun(a, await body('workstation', 'not-hex.example.org'), 422);
    expect(badCn.body).toMatchObject({ code: 'SUBJECT_INVALID' });
    await dryRun(a, { ...(await body('workstation', commonNameFor('workstation'))), dryRun: true }, 400);
    expect(await databaseDigest()).toEqual(before);
  });

  it('answers 403 for a kind the package does not allow, as a real submission does, and keeps nothing (a real one is kept Rejected)', async () => {
    const limited = await createTenant(t, admin, { kinds: ['workstation'] });
    const before = await databaseDigest();
    const response = await dryRun(limited, await body('server', commonNameFor('server')), 403);
    expect(response.body).toMatchObject({ code: 'KIND_NOT_ALLOWED' });
    expect(await databaseDigest()).toEqual(before);
  });

  it('says Rejected with the reason for an external CSR that asks for other usages, and for a compromised key', async () => {
    const wrongUsages = await dryRun(
      a,
      await body('external', 'x', 'DOMAIN\\alice', await makeCsr({ cn: commonNameFor('external') })),
    );
    expect(wrongUsages.body).toMatchObject({
      verdict: 'Rejected',
      rejectionReason: expect.stringContaining('key usages'),
      cancels: [],
    });

    const privateKey = await generatePrivateKey('EC-P384');
    const csrFor = (cn: string): string => buildCsr({ privateKey, subject: [{ oid: OID.commonName, value: cn }] });
    const created = await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .send({ kind: 'mobile', csr: csrFor('IMEI-dry-1'), requestedBy: 'x' })
      .expect(201);
    const { id } = created.body as { id: number };
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...admin.auth)
      .send({})
      .expect(200);
    await t
      .http()
      .post(`/api/v1/requests/${id}/revoke`)
      .set(...admin.auth)
      .send({ reason: 'keyCompromise' })
      .expect(200);
    // The revocation publishes a new CRL after it commits, in the background: wait for it here,
    // or the CRL lands between the two digests and looks like the dry run's write.
    await t.http().get('/pki/crl').expect(200);
    const before = await databaseDigest();
    const compromised = await dryRun(a, { kind: 'mobile', csr: csrFor('IMEI-dry-3'), requestedBy: 'x' });
    expect(compromised.body).toMatchObject({
      verdict: 'Rejected',
      rejectionReason: expect.stringContaining('key compromise'),
    });
    expect(await databaseDigest()).toEqual(before);
  });
});
