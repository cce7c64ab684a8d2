import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateView, DashboardView, ExpiringSummary, Page, Wire } from '@enroll/contract';
import { generatePrivateKey, toPem, type KeyAlgorithm } from '@enroll/pki';
import { AuthorityService, subjectKeyOf } from '../src/authority';
import { startMtlsServer } from '../src/mtls/mtls-server';
import { startTestApp, tableCounts, type TestApp } from './support/test-app';
import { commonNameFor, createTenant, signInAdmin, type Session, type Tenant } from './support/factories';
import { testConfig } from './support/test-config';
import { enrolledDevice, renewalCsr, renewOverMtls, type Device } from './support/devices';

const dir = mkdtempSync(join(tmpdir(), 'enroll-renew-'));
let t: TestApp;
let mtls: HttpsServer;
let mtlsPort: number;
let admin: Session;
let a: Tenant;
let caPem: string;

beforeAll(async () => {
  t = await startTestApp();
  mtls = await startMtlsServer(t.app, testConfig(), 0);
  mtlsPort = (mtls.address() as AddressInfo).port;
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
  caPem = (await t.http().get('/pki/ca.pem').expect(200)).text;
  writeFileSync(join(dir, 'ca.pem'), caPem);
});
afterAll(async () => {
  mtls.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const enrolled = (
  tenant: Tenant,
  kind: 'workstation' | 'server' = 'workstation',
  algorithm: KeyAlgorithm = 'EC-P256',
): Promise<Device> => enrolledDevice(t, tenant, kind === 'server' ? admin : tenant.manager, kind, algorithm);
const renew = (device: Pick<Device, 'key' | 'certificatePem'>, csr: string): ReturnType<typeof renewOverMtls> =>
  renewOverMtls(mtlsPort, caPem, device, csr);
const csrFor = renewalCsr;

const get = async <T>(session: Session, path: string): Promise<T> =>
  (
    await t
      .http()
      .get(path)
      .set(...session.auth)
      .expect(200)
  ).body as T;

const openssl = (args: string[], input?: string): string => spawnSync('openssl', args, { input }).stdout.toString();

describe('renewal over mutual TLS', () => {
  it('issues at once by default: same subject, new key, lineage recorded, the old certificate valid and superseded', async () => {
    const device = await enrolled(a);
    const newKey = await generatePrivateKey('EC-P256');
    const renewed = await renew(device, csrFor(newKey, device.cn));
    expect(renewed.status).toBe(201);
    expect(renewed.body).toMatchObject({ status: 'Approved', renewalOf: device.id, id: expect.any(Number) as unknown });
    const pem = renewed.body.certificate as string;
    writeFileSync(join(dir, 'renewed.pem'), pem);
    expect(
      openssl([
        'verify',
        '-x509_strict',
        '-purpose',
        'sslclient',
        '-CAfile',
        join(dir, 'ca.pem'),
        join(dir, 'renewed.pem'),
      ]),
    ).toMatch(/renewed.pem: OK/);
    const leaf = new X509Certificate(pem);
    expect(leaf.subject).toContain(`CN=${device.cn}`);
    expect(leaf.subject).toContain(`O=${a.code}`);
    expect(leaf.checkPrivateKey(newKey)).toBe(true);
    expect(leaf.serialNumber).not.toBe(device.serial);

    const id = renewed.body.id as number;
    const detail = await t
      .http()
      .get(`/api/v1/requests/${id}`)
      .set(...a.manager.auth)
      .expect(200);
    expect(detail.body).toMatchObject({
      channel: 'renewal',
      renewalOf: device.id,
      status: 'Approved',
      description: 'renewal test',
      requestedBy: 'DOMAIN\\dev',
    });
    expect((detail.body as { lineage: { id: number }[] }).lineage.map((l) => l.id)).toEqual([device.id, id]);
    const history = (detail.body as { history: { status: string; actor: string }[] }).history;
    expect(history.at(-1)).toMatchObject({ status: 'Approved', actor: 'renewal' });

    // The old certificate stays valid (a service may still use it during rollover), shown as superseded.
    const old = await t
      .http()
      .get(`/api/v1/certificates/${device.serial}`)
      .set(...a.manager.auth)
      .expect(200);
    expect(old.body).toMatchObject({ status: 'valid', supersededBy: renewed.body.serialNumber });
    const oldLineage = await t
      .http()
      .get(`/api/v1/requests/${device.id}`)
      .set(...a.manager.auth)
      .expect(200);
    expect((oldLineage.body as { lineage: { id: number }[] }).lineage.map((l) => l.id)).toEqual([device.id, id]);

    // The client confirms the install as for any request; the renewal renews again later.
    await t
      .http()
      .post(`/api/v1/enrollment/requests/${id}/installed`)
      .set(...a.pkg)
      .expect(200);
    const again = await renew(
      { key: newKey, certificatePem: pem },
      csrFor(await generatePrivateKey('EC-P256'), device.cn),
    );
    expect(again.status).toBe(201);
    const lineage = await t
      .http()
      .get(`/api/v1/requests/${device.id}`)
      .set(...admin.auth)
      .expect(200);
    expect((lineage.body as { lineage: { id: number }[] }).lineage.map((l) => l.id)).toEqual([
      device.id,
      id,
      again.body.id,
    ]);
  });

  it('waits for a person when the package says so, and the approver sees what it renews', async () => {
    const created = await t
      .http()
      .post('/api/v1/packages')
      .set(...admin.auth)
      .send({
        organizationCode: a.code,
        environment: 'Approval',
        store: 'machine',
        kinds: ['workstation'],
        renewal: 'approval',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      renewal: 'approval',
      renewalSameKey: false,
      clientConfig: { urls: { renew: expect.stringMatching(/\/api\/v1\/enrollment\/renew$/) as unknown } },
    });
    const tenant: Tenant = { ...a, pkg: ['Authorization', `Bearer ${(created.body as { token: string }).token}`] };
    const device = await enrolled(tenant);
    const renewed = await renew(device, csrFor(await generatePrivateKey('EC-P256'), device.cn));
    expect(renewed.status).toBe(202);
    expect(renewed.body).toMatchObject({ status: 'Pending', renewalOf: device.id });
    const id = renewed.body.id as number;
    const queued = await t
      .http()
      .get(`/api/v1/requests/${id}`)
      .set(...a.manager.auth)
      .expect(200);
    expect(queued.body).toMatchObject({ status: 'Pending', channel: 'renewal', renewalOf: device.id });
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(200);
    await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}/certificate?format=pem`)
      .set(...tenant.pkg)
      .expect(200);
  });

  it('keeps the key only when the package allows it', async () => {
    const device = await enrolled(a);
    const refused = await renew(device, csrFor(device.key, device.cn));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'RENEWAL_SAME_KEY' });
    const created = await t
      .http()
      .post('/api/v1/packages')
      .set(...admin.auth)
      .send({
        organizationCode: a.code,
        environment: 'SameKey',
        store: 'machine',
        kinds: ['workstation'],
        renewalSameKey: true,
      })
      .expect(201);
    const tenant: Tenant = { ...a, pkg: ['Authorization', `Bearer ${(created.body as { token: string }).token}`] };
    const other = await enrolled(tenant);
    const renewed = await renew(other, csrFor(other.key, other.cn));
    expect(renewed.status).toBe(201);
  });

  it('refuses each wrong renewal with its code, stores nothing but an audit event', async () => {
    const device = await enrolled(a);
    const before = await tableCounts(t.db);
    const newKey = await generatePrivateKey('EC-P256');
    const cases: [string, Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
      ['another CN', renew(device, csrFor(newKey, commonNameFor('workstation'))), 403, 'RENEWAL_SUBJECT_CHANGED'],
      [
        'a weak key',
        renew(
          device,
          openssl([
            'req',
            '-new',
            '-newkey',
            'rsa:1024',
            '-nodes',
            '-keyout',
            '/dev/null',
            '-subj',
            `/CN=${device.cn}`,
          ]),
        ),
        400,
        'KEY_TOO_WEAK',
      ],
      ['no CSR at all', renew(device, 'not a CSR'), 400, 'CSR_MALFORMED'],
    ];
    for (const [name, pending, status, code] of cases) {
      const answer = await pending;
      expect({ name, status: answer.status >= 400 && answer.status < 500 ? status : answer.status }).toEqual({
        name,
        status,
      });
      expect(String(answer.body.code)).toMatch(new RegExp(`^${code}`));
      expect(typeof answer.body.detail).toBe('string');
    }
    const after = await tableCounts(t.db);
    expect({ ...after, audit: before.audit }).toEqual(before);
    const refusals = await t.db.query<{ details: { code: string } }[]>(
      `SELECT details FROM audit_events WHERE action = 'renewal.refuse' AND target = $1`,
      [device.serial],
    );
    expect(refusals.map((r) => r.details.code).sort()).toEqual([
      'CSR_MALFORMED',
      'KEY_TOO_WEAK',
      'RENEWAL_SUBJECT_CHANGED',
    ]);
  });

  it("refuses a revoked certificate, a disabled package, a compromised key and a manager's certificate", async () => {
    const revoked = await enrolled(a);
    await t
      .http()
      .post(`/api/v1/requests/${revoked.id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'superseded' })
      .expect(200);
    expect(await renew(revoked, csrFor(await generatePrivateKey('EC-P256'), revoked.cn))).toMatchObject({
      status: 403,
      body: { code: 'CERTIFICATE_REVOKED' },
    });

    const created = await t
      .http()
      .post('/api/v1/packages')
      .set(...admin.auth)
      .send({ organizationCode: a.code, environment: 'Gone', store: 'machine', kinds: ['workstation'] })
      .expect(201);
    const body = created.body as { token: string; id: string };
    const device = await enrolled({ ...a, pkg: ['Authorization', `Bearer ${body.token}`] });
    await t
      .http()
      .post(`/api/v1/packages/${body.id}/disable`)
      .set(...admin.auth)
      .expect(200);
    expect(await renew(device, csrFor(await generatePrivateKey('EC-P256'), device.cn))).toMatchObject({
      status: 403,
      body: { code: 'PACKAGE_DISABLED' },
    });

    // A key revoked for compromise on another device is not certified again by renewal.
    const compromised = await enrolled(a, 'workstation', 'RSA-2048');
    await t
      .http()
      .post(`/api/v1/requests/${compromised.id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'keyCompromise' })
      .expect(200);
    const healthy = await enrolled(a);
    expect(await renew(healthy, csrFor(compromised.key, healthy.cn))).toMatchObject({
      status: 403,
      body: { code: 'KEY_COMPROMISED' },
    });

    const managerKey = await generatePrivateKey('EC-P256');
    const manager = await t.app
      .get(AuthorityService)
      .issue(
        'manager',
        { commonName: 'mgr-renew' },
        subjectKeyOf(managerKey),
        {},
        { name: 'test', type: 'system' },
        new Date(),
      );
    const managerDevice = { key: managerKey, certificatePem: toPem('CERTIFICATE', manager.der) };
    expect(await renew(managerDevice, csrFor(await generatePrivateKey('EC-P256'), 'mgr-renew'))).toMatchObject({
      status: 403,
      body: { code: 'NOT_A_DEVICE_CERTIFICATE' },
    });
  });

  it('issues exactly one certificate for two renewals of one certificate at once', async () => {
    const device = await enrolled(a);
    const answers = await Promise.all(
      [1, 2, 3].map(async () => renew(device, csrFor(await generatePrivateKey('EC-P256'), device.cn))),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.code === 'ALREADY_RENEWED')).toBe(true);
    const renewals = await t.db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM requests WHERE renewal_of = $1`,
      [device.id],
    );
    expect(renewals[0]?.count).toBe(1);
  });

  it("compares a server's DNS name without case", async () => {
    const server = await enrolled(a, 'server');
    const renewed = await renew(server, csrFor(await generatePrivateKey('EC-P256'), server.cn.toUpperCase()));
    expect(renewed.status).toBe(201);
  });
});

describe('expiry in view', () => {
  it('counts what still needs a renewal within 1, 7 and 30 days per organization, and lists exactly those', async () => {
    const [c, other] = [await createTenant(t, admin), await createTenant(t, admin)];
    const [day, week, month, far, renewedSoon, revokedSoon, elsewhere] = [
      await enrolled(c),
      await enrolled(c),
      await enrolled(c),
      await enrolled(c),
      await enrolled(c),
      await enrolled(c),
      await enrolled(other),
    ];
    const endsIn = (device: Device, interval: string) =>
      t.db.query(`UPDATE certificates SET not_after = now() + $2::interval WHERE serial = $1`, [
        device.serial,
        interval,
      ]);
    await endsIn(day, '12 hours');
    await endsIn(week, '3 days');
    await endsIn(month, '20 days');
    await endsIn(renewedSoon, '5 days');
    await endsIn(revokedSoon, '2 days');
    await endsIn(elsewhere, '6 days');
    // Renewed (its successor lives two years) and revoked: neither needs anything any more.
    expect((await renew(renewedSoon, csrFor(await generatePrivateKey('EC-P256'), renewedSoon.cn))).status).toBe(201);
    await t
      .http()
      .post(`/api/v1/certificates/${revokedSoon.serial}/revoke`)
      .set(...c.manager.auth)
      .send({ reason: 'cessationOfOperation' })
      .expect(200);

    const mine = await get<Wire<ExpiringSummary>>(c.manager, '/api/v1/certificates/expiring');
    const counts = { within1Day: 1, within7Days: 2, within30Days: 3 };
    expect(mine.organizations).toEqual([{ organizationCode: c.code, organizationName: expect.any(String), ...counts }]);
    expect(mine.total).toEqual(counts);
    const all = await get<Wire<ExpiringSummary>>(admin, '/api/v1/certificates/expiring');
    expect(all.organizations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ organizationCode: c.code, ...counts }),
        expect.objectContaining({ organizationCode: other.code, within1Day: 0, within7Days: 1, within30Days: 1 }),
      ]),
    );
    expect(all.total.within30Days).toBeGreaterThanOrEqual(4);
    expect((await get<Wire<DashboardView>>(c.manager, '/api/v1/dashboard')).expiringSoon).toEqual(counts);

    // The list behind each count: valid, ending before the window's end, not yet renewed.
    const listed = async (query: string) =>
      (await get<Wire<Page<CertificateView>>>(c.manager, `/api/v1/certificates?${query}`)).items
        .map((i) => i.serialNumber)
        .sort();
    const before = encodeURIComponent(new Date(Date.now() + 30 * 86_400_000).toISOString());
    expect(await listed(`status=valid&renewed=false&expiringBefore=${before}`)).toEqual(
      [day.serial, week.serial, month.serial].sort(),
    );
    expect(await listed(`status=valid&renewed=true`)).toEqual([renewedSoon.serial]);
    expect(await listed(`renewed=false&q=${encodeURIComponent(far.cn)}`)).toEqual([far.serial]);
    await t
      .http()
      .get('/api/v1/certificates?renewed=maybe')
      .set(...c.manager.auth)
      .expect(400);
  });
});
