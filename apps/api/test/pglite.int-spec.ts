import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { DatabaseMaintenance, MAINTAINED_TABLES } from '../src/database/maintenance.service';
import { startTestApp, tableCounts, type TestApp } from './support/test-app';
import { createTenant, makeCsr, signInAdmin, submit } from './support/factories';
import type { AddressInfo } from 'node:net';
import { generatePrivateKey, keyEncryptionIterations } from '@enroll/pki';
import { startMtlsServer } from '../src/mtls/mtls-server';
import { enrolledDevice, renewalCsr, renewOverMtls } from './support/devices';
import { testConfig } from './support/test-config';

/** The embedded database path: the same migrations, the CA created at first start, a full cycle. */
let t: TestApp;
beforeAll(async () => {
  const socketDir = process.env.ENROLL_TEST_PGLITE_SOCKET_DIR;
  if (!socketDir) {
    throw new Error('globalSetup did not start the embedded database');
  }
  t = await startTestApp({
    target: {
      embedded: { socketDir, port: Number(process.env.ENROLL_TEST_PGLITE_PORT), close: () => Promise.resolve() },
    },
  });
}, 120_000);
afterAll(() => t.close());

describe('on embedded PGlite', () => {
  it('refuses a second process on the same data folder, and this one keeps its database', () => {
    const dataDir = dirname(process.env.ENROLL_TEST_PGLITE_SOCKET_DIR ?? '');
    const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
    const second = spawnSync(tsx, [join(__dirname, 'support/second-embedded-start.ts'), dataDir], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(second.stdout).toMatch(/^EmbeddedDatabaseInUse: Another Enroll process is using the data folder/);
  }, 60_000);

  it('ran every migration and created the CA in the database', async () => {
    const migrations = await t.db.query<{ name: string }[]>(`SELECT name FROM typeorm_migrations ORDER BY id`);
    expect(migrations.map((m) => m.name)).toEqual(t.db.migrations.map((m) => m.name));
    const cas = await t.db.query<{ name: string; encrypted_key_pem: string | null }[]>(
      `SELECT name, encrypted_key_pem FROM certificate_authorities ORDER BY name`,
    );
    expect(cas.map((c) => c.name)).toEqual(['issuing', 'root', 'root-ocsp']);
    // The root key is offline (its file); the online keys are encrypted with PBKDF2 at 600,000 iterations.
    expect(cas.find((c) => c.name === 'root')?.encrypted_key_pem).toBeNull();
    for (const c of cas.filter((r) => r.name !== 'root')) {
      expect(keyEncryptionIterations(c.encrypted_key_pem ?? '')).toBe(600_000);
    }
  });

  it('runs a whole cycle: submit, approve, fetch, verify with openssl, revoke, CRL', async () => {
    const admin = await signInAdmin(t);
    const tenant = await createTenant(t, admin);
    const { id, status } = await submit(t, tenant, 'workstation');
    expect(status).toBe('Pending');
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...tenant.manager.auth)
      .send({})
      .expect(200);
    const leaf = (
      await t
        .http()
        .get(`/api/v1/enrollment/requests/${id}/certificate`)
        .set(...tenant.pkg)
        .expect(200)
    ).text;
    const chain = (await t.http().get('/pki/ca.pem').expect(200)).text;
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/enroll-pglite-cert-');
    writeFileSync(`${dir}/ca.pem`, chain);
    writeFileSync(`${dir}/leaf.pem`, leaf);
    expect(
      spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', `${dir}/ca.pem`, `${dir}/leaf.pem`]).stdout.toString(),
    ).toMatch(/OK/);
    await t
      .http()
      .post(`/api/v1/requests/${id}/revoke`)
      .set(...admin.auth)
      .send({ reason: 'keyCompromise' })
      .expect(200);
    await t.http().get('/pki/crl').expect(200);
    const again = await submit(t, tenant, 'workstation');
    expect(again.status).toBe('Rejected');
  });

  it('keeps one open request under concurrent submissions (the unique index holds on PGlite too)', async () => {
    const admin = await signInAdmin(t);
    const tenant = await createTenant(t, admin);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => submit(t, tenant, 'server', { cn: 'same.example.org', freshKey: true })),
    );
    expect(results.filter((r) => r.status === 'Pending')).toHaveLength(5);
    const [open] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM requests WHERE common_name = 'same.example.org' AND status IN ('Requested', 'Pending')`,
    );
    expect(open?.n).toBe(1);
  });

  it('cancels only the same requester’s open request of the same package, kind and name (DNS names without case)', async () => {
    const admin = await signInAdmin(t);
    const tenant = await createTenant(t, admin);
    const statusOf = async (id: number): Promise<string | undefined> =>
      (await t.db.query<{ status: string }[]>(`SELECT status FROM requests WHERE id = $1`, [id]))[0]?.status;
    const as = (requestedBy: string, cn: string, pkg: Pick<typeof tenant, 'pkg'> = tenant) =>
      submit(t, pkg, 'server', { cn, freshKey: true, requestedBy });

    const alice = await as('PC-1\\alice', 'scope.example.org');
    const bob = await as('PC-1\\bob', 'scope.example.org');
    expect([await statusOf(alice.id), bob.status]).toEqual(['Pending', 'Pending']);
    const other = await t
      .http()
      .post('/api/v1/packages')
      .set(...admin.auth)
      .send({ organizationCode: tenant.code, environment: 'Test', store: 'machine', kinds: ['server'] })
      .expect(201);
    const inTest = await as('PC-1\\alice', 'scope.example.org', {
      pkg: ['Authorization', `Bearer ${(other.body as { token: string }).token}`],
    });
    expect([await statusOf(alice.id), inTest.status]).toEqual(['Pending', 'Pending']);
    const again = await as('PC-1\\alice', 'SCOPE.Example.org');
    expect([await statusOf(alice.id), await statusOf(bob.id), await statusOf(inTest.id), again.status]).toEqual([
      'Cancelled',
      'Pending',
      'Pending',
      'Pending',
    ]);
  });

  it('answers a dry run in a transaction it rolls back: the request it would cancel named, nothing written', async () => {
    const admin = await signInAdmin(t);
    const tenant = await createTenant(t, admin);
    const open = await submit(t, tenant, 'server', { cn: 'dry.example.org', freshKey: true });
    const before = await tableCounts(t.db);
    const response = await t
      .http()
      .post('/api/v1/enrollment/requests?dryRun=true')
      .set(...tenant.pkg)
      .send({
        kind: 'server',
        csr: await makeCsr({ cn: 'DRY.example.org', freshKey: true }),
        requestedBy: 'DOMAIN\\tester',
      })
      .expect(200);
    expect(response.body).toMatchObject({ verdict: 'Pending', commonName: 'DRY.example.org', cancels: [open.id] });
    expect(await tableCounts(t.db)).toEqual(before);
    const [still] = await t.db.query<{ status: string }[]>(`SELECT status FROM requests WHERE id = $1`, [open.id]);
    expect(still?.status).toBe('Pending');
  });

  it('vacuums and analyzes its busy tables itself: PGlite has no autovacuum', async () => {
    const done = await t.app.get(DatabaseMaintenance).run();
    expect(done).toEqual([...MAINTAINED_TABLES]);
    const [stats] = await t.db.query<{ reltuples: number }[]>(
      `SELECT reltuples FROM pg_class WHERE relname = 'requests'`,
    );
    expect(stats?.reltuples).toBeGreaterThan(0);
  });

  it('renews over mutual TLS: once for concurrent renewals, lineage kept, a changed subject refused', async () => {
    const admin = await signInAdmin(t);
    const tenant = await createTenant(t, admin);
    const mtls = await startMtlsServer(t.app, testConfig(), 0);
    try {
      const port = (mtls.address() as AddressInfo).port;
      const caPem = (await t.http().get('/pki/ca.pem').expect(200)).text;
      const device = await enrolledDevice(t, tenant, tenant.manager);
      const answers = await Promise.all(
        [1, 2].map(async () =>
          renewOverMtls(port, caPem, device, renewalCsr(await generatePrivateKey('EC-P256'), device.cn)),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const renewed = answers.find((a) => a.status === 201);
      const detail = await t
        .http()
        .get(`/api/v1/requests/${String(renewed?.body.id)}`)
        .set(...admin.auth)
        .expect(200);
      expect(detail.body).toMatchObject({ channel: 'renewal', renewalOf: device.id });
      const changed = await renewOverMtls(
        port,
        caPem,
        device,
        renewalCsr(await generatePrivateKey('EC-P256'), 'FFFFFFFFFFFFFFFF'),
      );
      expect(changed).toMatchObject({ status: 403, body: { code: 'RENEWAL_SUBJECT_CHANGED' } });
    } finally {
      mtls.close();
    }
  });
});
