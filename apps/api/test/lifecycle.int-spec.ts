import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, tableCounts, type TestApp } from './support/test-app';
import { buildCsr, generatePrivateKey, OID } from '@enroll/pki';
import { binary, createTenant, makeCsr, signInAdmin, submit, type Session, type Tenant } from './support/factories';

let t: TestApp;
let admin: Session;
let a: Tenant;
const dir = mkdtempSync(join(tmpdir(), 'enroll-int-'));

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const history = async (id: number): Promise<string[]> =>
  (
    (
      await t
        .http()
        .get(`/api/v1/requests/${id}`)
        .set(...admin.auth)
        .expect(200)
    ).body as { history: { status: string }[] }
  ).history.map((h) => h.status);

describe('a workstation request, from submission to revocation', () => {
  it('goes Pending, Approved with a certificate openssl verifies, Installed, Revoked; each step in history and audit', async () => {
    const { id, status } = await submit(t, a, 'workstation');
    expect(status).toBe('Pending');
    const approved = await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .send({ comment: 'known device' })
      .expect(200);
    expect(approved.body).toMatchObject({
      id,
      status: 'Approved',
      certificate: { serialNumber: expect.stringMatching(/^[0-9A-F]+$/) },
    });

    const leaf = await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}/certificate?format=pem`)
      .set(...a.pkg)
      .expect(200);
    const chain = await t.http().get('/pki/ca.pem').expect(200);
    writeFileSync(join(dir, 'leaf.pem'), leaf.text);
    writeFileSync(join(dir, 'ca.pem'), chain.text);
    const verified = spawnSync('openssl', [
      'verify',
      '-x509_strict',
      '-purpose',
      'sslclient',
      '-CAfile',
      join(dir, 'ca.pem'),
      join(dir, 'leaf.pem'),
    ]);
    expect(verified.stdout.toString()).toMatch(/leaf.pem: OK/);
    const text = spawnSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], {
      input: leaf.text,
    }).stdout.toString();
    expect(text).toContain(`OU=Workstation,O=${a.code},L=Paris,C=FR`);

    const der = await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}/certificate?format=der`)
      .set(...a.pkg)
      .expect(200)
      .buffer(true)
      .parse(binary);
    expect(der.headers['content-type']).toMatch(/application\/pkix-cert/);
    const p7b = await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}/certificate?format=p7b`)
      .set(...a.pkg)
      .expect(200)
      .buffer(true)
      .parse(binary);
    expect(
      spawnSync('openssl', ['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], { input: p7b.body as Buffer })
        .stdout.toString()
        .match(/subject=/g),
    ).toHaveLength(3);

    await t
      .http()
      .post(`/api/v1/enrollment/requests/${id}/installed`)
      .set(...a.pkg)
      .expect(200);
    const revoked = await t
      .http()
      .post(`/api/v1/requests/${id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'superseded' })
      .expect(200);
    expect(revoked.body).toMatchObject({ status: 'Revoked', certificate: { status: 'revoked' } });
    expect(await history(id)).toEqual(['Requested', 'Pending', 'Approved', 'Installed', 'Revoked']);
    const audit = await t
      .http()
      .get(`/api/v1/audit?requestId=${id}`)
      .set(...admin.auth)
      .expect(200);
    expect((audit.body as { items: { action: string }[] }).items.map((e) => e.action).reverse()).toEqual([
      'request.submit',
      'request.accept',
      'request.approve',
      'request.install',
      'request.revoke',
    ]);
    const crl = await t.http().get('/pki/crl').expect(200).buffer(true).parse(binary);
    expect(crl.headers['content-type']).toMatch(/application\/pkix-crl/);
    const crlText = spawnSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], {
      input: crl.body as Buffer,
    }).stdout.toString();
    expect(crlText).toContain((approved.body as { certificate: { serialNumber: string } }).certificate.serialNumber);
  });

  it('answers 409 INVALID_TRANSITION with the current state for a decision in the wrong state', async () => {
    const { id } = await submit(t, a, 'workstation');
    await t
      .http()
      .post(`/api/v1/requests/${id}/reject`)
      .set(...a.manager.auth)
      .send({ reason: 'unknown device' })
      .expect(200);
    const again = await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(again.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'Rejected', status: 409 });
    await t
      .http()
      .post(`/api/v1/enrollment/requests/${id}/installed`)
      .set(...a.pkg)
      .expect(409);
    await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}/certificate`)
      .set(...a.pkg)
      .expect(409);
    const mine = await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}`)
      .set(...a.pkg)
      .expect(200);
    expect(mine.body).toMatchObject({ status: 'Rejected', rejectionReason: 'unknown device' });
  });
});

describe('submission rules', () => {
  it('a newer request for the same organization, kind and CN cancels the older open one', async () => {
    const first = await submit(t, a, 'server');
    const second = await submit(t, a, 'server', { cn: first.cn });
    expect(second.status).toBe('Pending');
    expect(await history(first.id)).toEqual(['Requested', 'Pending', 'Cancelled']);
    const listed = await t
      .http()
      .get('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .expect(200);
    expect(
      (listed.body as { items: { id: number; status: string; rejectionReason: string }[] }).items.find(
        (i) => i.id === first.id,
      ),
    ).toMatchObject({ status: 'Cancelled', rejectionReason: `Superseded by request ${second.id}.` });
    const other = await submit(t, a, 'mobile', { cn: 'IMEI-samecn-1' });
    expect(other.status).toBe('Pending');
  });

  describe('the supersede rule: same package, kind, CN and requester (issue 13)', () => {
    const submitAs = async (
      pkg: Tenant['pkg'],
      kind: 'server' | 'workstation',
      cn: string,
      requestedBy: string,
    ): Promise<{ id: number; status: string }> =>
      (
        await t
          .http()
          .post('/api/v1/enrollment/requests')
          .set(...pkg)
          .send({ kind, csr: await makeCsr({ cn, kind }), requestedBy, phone: '+33 1 23', description: 'test' })
          .expect(201)
      ).body as { id: number; status: string };
    const statusOf = async (id: number): Promise<string> =>
      (
        (
          await t
            .http()
            .get(`/api/v1/requests/${id}`)
            .set(...admin.auth)
            .expect(200)
        ).body as { status: string }
      ).status;

    it("another requester on the same device does not cancel the first one's request; the same requester does", async () => {
      const cn = 'ABCDEF0123456789ABCDEF01';
      const mine = await submitAs(a.pkg, 'workstation', cn, 'PC-1\\alice');
      const theirs = await submitAs(a.pkg, 'workstation', cn, 'PC-1\\bob');
      expect([await statusOf(mine.id), theirs.status]).toEqual(['Pending', 'Pending']);
      const again = await submitAs(a.pkg, 'workstation', cn, 'PC-1\\alice');
      expect([await statusOf(mine.id), await statusOf(theirs.id), again.status]).toEqual([
        'Cancelled',
        'Pending',
        'Pending',
      ]);
    });

    it('the same device in another package (the Test environment) does not cancel the Production request', async () => {
      const created = await t
        .http()
        .post('/api/v1/packages')
        .set(...admin.auth)
        .send({ organizationCode: a.code, environment: 'Test', store: 'machine', kinds: ['workstation', 'server'] })
        .expect(201);
      const testPkg: Tenant['pkg'] = ['Authorization', `Bearer ${(created.body as { token: string }).token}`];
      const production = await submitAs(a.pkg, 'server', 'envs.example.org', 'DOMAIN\\ops');
      const test = await submitAs(testPkg, 'server', 'envs.example.org', 'DOMAIN\\ops');
      expect([await statusOf(production.id), test.status]).toEqual(['Pending', 'Pending']);
    });

    it('compares DNS names without regard to case: API.Example and api.example cannot both be open', async () => {
      const upper = await submitAs(a.pkg, 'server', 'API.Case-Test.example.org', 'DOMAIN\\ops');
      const lower = await submitAs(a.pkg, 'server', 'api.case-test.example.org', 'DOMAIN\\ops');
      expect([await statusOf(upper.id), lower.status]).toEqual(['Cancelled', 'Pending']);
      const [open] = await t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM requests WHERE lower(common_name) = 'api.case-test.example.org' AND status IN ('Requested', 'Pending')`,
      );
      expect(open?.n).toBe(1);
    });

    it('the database refuses a second open request with the same key, whatever the caller does', async () => {
      const first = await submitAs(a.pkg, 'server', 'Guard.example.org', 'DOMAIN\\ops');
      await expect(
        t.db.query(
          `INSERT INTO requests (organization_id, package_id, kind, status, enrollment_type, common_name, subject, csr_der, spki_sha256, public_key, requested_extensions, requested_by, submitted_at, updated_at)
         SELECT organization_id, package_id, kind, status, enrollment_type, 'guard.EXAMPLE.org', subject, csr_der, spki_sha256, public_key, requested_extensions, requested_by, submitted_at, updated_at FROM requests WHERE id = $1`,
          [first.id],
        ),
      ).rejects.toThrow(/ux_requests_open_subject/);
    });
  });

  it('an external request is downloaded once, recording when and by whom', async () => {
    const { id } = await submit(t, a, 'external');
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...admin.auth)
      .send({})
      .expect(200);
    await t
      .http()
      .post(`/api/v1/enrollment/requests/${id}/installed`)
      .set(...a.pkg)
      .expect(409);
    await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}/certificate?downloadedBy=DOMAIN%5Cops`)
      .set(...a.pkg)
      .expect(200);
    const after = await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}`)
      .set(...a.pkg)
      .expect(200);
    expect(after.body).toMatchObject({ status: 'Downloaded', downloadedBy: 'DOMAIN\\ops', enrollmentType: 'External' });
    expect(Date.parse((after.body as { downloadedAt: string }).downloadedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('an external CSR without the profile usages is stored Rejected with the expected values named', async () => {
    const csr = await makeCsr({ cn: 'ext-bad.example.org' });
    const response = await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .send({ kind: 'external', csr, requestedBy: 'x' })
      .expect(201);
    expect(response.body).toMatchObject({
      status: 'Rejected',
      rejectionReason: expect.stringContaining('digitalSignature, keyAgreement'),
    });
  });

  it('a key revoked for keyCompromise is refused when it comes back, and the request is kept Rejected', async () => {
    const privateKey = await generatePrivateKey('EC-P256');
    const csrFor = (cn: string): string => buildCsr({ privateKey, subject: [{ oid: OID.commonName, value: cn }] });
    const first = await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .send({ kind: 'mobile', csr: csrFor('IMEI-compromised-1'), requestedBy: 'x' })
      .expect(201);
    const id = (first.body as { id: number }).id;
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
    const again = await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .send({ kind: 'mobile', csr: csrFor('IMEI-compromised-2'), requestedBy: 'x' })
      .expect(201);
    expect(again.body).toMatchObject({
      status: 'Rejected',
      rejectionReason: expect.stringContaining('key compromise'),
    });
    expect(await history((again.body as { id: number }).id)).toEqual(['Requested', 'Rejected']);
  });

  it('a kind the package does not allow is 403, and kept as Rejected for the managers', async () => {
    const limited = await createTenant(t, admin, { kinds: ['workstation'] });
    const response = await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...limited.pkg)
      .send({ kind: 'server', csr: await makeCsr({ cn: 'no.example.org' }), requestedBy: 'x' })
      .expect(403);
    expect(response.body).toMatchObject({ code: 'KIND_NOT_ALLOWED', status: 403, requestStatus: 'Rejected' });
    const queue = await t
      .http()
      .get('/api/v1/requests?status=Rejected')
      .set(...limited.manager.auth)
      .expect(200);
    expect((queue.body as { items: { commonName: string }[] }).items.map((i) => i.commonName)).toContain(
      'no.example.org',
    );
  });

  it('a disabled package is refused at once', async () => {
    const tenant = await createTenant(t, admin);
    await submit(t, tenant, 'workstation');
    await t
      .http()
      .post(`/api/v1/packages/${tenant.packageId}/disable`)
      .set(...admin.auth)
      .expect(200);
    const refused = await t
      .http()
      .get('/api/v1/enrollment/requests')
      .set(...tenant.pkg)
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'PACKAGE_DISABLED' });
  });
});

describe('bad input gets a 4xx problem and writes nothing', () => {
  const cases: [string, (req: ReturnType<TestApp['http']>) => Promise<unknown>, number, string][] = [
    [
      'malformed JSON',
      (r) =>
        r
          .post('/api/v1/enrollment/requests')
          .set(...a.pkg)
          .set('Content-Type', 'application/json')
          .send('{"kind": "server",'),
      400,
      'MALFORMED_JSON',
    ],
    [
      'an unknown field',
      (r) =>
        r
          .post('/api/v1/enrollment/requests')
          .set(...a.pkg)
          .send({ kind: 'server', csr: 'x', requestedBy: 'x', admin: true }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a wrong type',
      (r) =>
        r
          .post('/api/v1/enrollment/requests')
          .set(...a.pkg)
          .send({ kind: 'server', csr: 42, requestedBy: 'x' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an unknown kind',
      (r) =>
        r
          .post('/api/v1/enrollment/requests')
          .set(...a.pkg)
          .send({ kind: 'laptop', csr: 'x', requestedBy: 'x' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a broken CSR',
      (r) =>
        r
          .post('/api/v1/enrollment/requests')
          .set(...a.pkg)
          .send({
            kind: 'server',
            csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
            requestedBy: 'x',
          }),
      400,
      'CSR_MALFORMED',
    ],
    [
      'a 2 MB body',
      (r) =>
        r
          .post('/api/v1/enrollment/requests')
          .set(...a.pkg)
          .send({ kind: 'server', csr: 'A'.repeat(2 * 1024 * 1024), requestedBy: 'x' }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a CN the profile refuses',
      (r) =>
        makeCsr({ cn: 'not hex' }).then((csr) =>
          r
            .post('/api/v1/enrollment/requests')
            .set(...a.pkg)
            .send({ kind: 'workstation', csr, requestedBy: 'x' }),
        ),
      422,
      'SUBJECT_INVALID',
    ],
    [
      'a bad revocation reason',
      (r) =>
        r
          .post('/api/v1/requests/1/revoke')
          .set(...admin.auth)
          .send({ reason: 'cACompromise' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a non-numeric id',
      (r) =>
        r
          .post('/api/v1/requests/abc/approve')
          .set(...admin.auth)
          .send({}),
      404,
      'NOT_FOUND',
    ],
    [
      'a duplicate organization',
      (r) =>
        r
          .post('/api/v1/organizations')
          .set(...admin.auth)
          .send({ code: a.code, name: 'x', country: 'FR' }),
      409,
      'ORGANIZATION_EXISTS',
    ],
    ['an unknown route', (r) => r.get('/api/v1/nothing-here').set(...admin.auth), 404, 'ROUTE_NOT_FOUND'],
  ];

  it.each(cases)('%s', async (_name, send, status, code) => {
    const before = await tableCounts(t.db);
    const response = (await send(t.http())) as {
      status: number;
      body: { code: string; status: number };
      headers: Record<string, string>;
    };
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ code, status });
    expect(await tableCounts(t.db)).toEqual(before);
  });
});

describe('certificate lookups by serial', () => {
  it('finds a certificate whose serial starts with a zero digit, typed with or without it', async () => {
    const { id } = await submit(t, a, 'workstation');
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...admin.auth)
      .send({})
      .expect(200);
    // Give the stored certificate a serial whose first byte is below 0x10, as 1 in 16 random serials are.
    await t.db.query(`UPDATE requests SET certificate_serial = NULL WHERE id = $1`, [id]);
    await t.db.query(
      `INSERT INTO certificates (serial, request_id, organization_id, profile, issuer_key_id, subject, common_name, not_before, not_after, der, spki_sha256)
      SELECT '0ABCDEF0123456789ABCDEF012345678', NULL, organization_id, profile, issuer_key_id, subject, common_name, not_before, not_after, der, spki_sha256 FROM certificates WHERE request_id = $1`,
      [id],
    );
    await t
      .http()
      .get('/api/v1/certificates/0ABCDEF0123456789ABCDEF012345678')
      .set(...admin.auth)
      .expect(200);
    await t
      .http()
      .get('/api/v1/certificates/0abcdef0123456789abcdef012345678')
      .set(...admin.auth)
      .expect(200);
    await t
      .http()
      .get('/api/v1/certificates/000ABCDEF0123456789ABCDEF012345678')
      .set(...admin.auth)
      .expect(200);
    await t
      .http()
      .get('/api/v1/certificates/not-hex')
      .set(...admin.auth)
      .expect(404);
  });
});

describe("a manager's user certificate", () => {
  it('comes as a PKCS #12 that openssl opens with the password, holding key, certificate and chain', async () => {
    const users = await t
      .http()
      .get('/api/v1/users')
      .set(...admin.auth)
      .expect(200);
    const manager = (users.body as { id: string; organizationCode: string | null; username: string }[]).find(
      (u) => u.organizationCode === a.code,
    );
    const response = await t
      .http()
      .post(`/api/v1/users/${manager?.id ?? ''}/certificate`)
      .set(...admin.auth)
      .send({ password: 'p12 secret pass' })
      .expect(200)
      .buffer(true)
      .parse(binary);
    expect(response.headers['content-type']).toMatch(/application\/x-pkcs12/);
    writeFileSync(join(dir, 'manager.p12'), response.body as Buffer);
    const info = spawnSync('openssl', [
      'pkcs12',
      '-in',
      join(dir, 'manager.p12'),
      '-passin',
      'pass:p12 secret pass',
      '-noenc',
    ]);
    expect(info.status).toBe(0);
    const out = info.stdout.toString();
    expect(out.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(out).toMatch(/BEGIN PRIVATE KEY/);
    expect(out).toContain(`CN = ${manager?.username ?? ''}`);
    expect(
      spawnSync('openssl', ['pkcs12', '-in', join(dir, 'manager.p12'), '-passin', 'pass:wrong', '-noenc']).status,
    ).not.toBe(0);
    const [stored] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM certificates WHERE profile = 'manager'`,
    );
    expect(stored?.n).toBeGreaterThan(0);
  });
});
