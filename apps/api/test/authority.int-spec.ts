import { spawnSync } from 'node:child_process';
import { generatePrivateKey } from '@enroll/pki';
import { AuthorityService, subjectKeyOf } from '../src/authority';
import { readCsr, requestRecord, type SubmitCommand } from '../src/requests/enrollment.service';
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

const columnsOf = async (table: string): Promise<string[]> =>
  (
    await t.db.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
      [table],
    )
  )
    .map((c) => c.column_name)
    .sort();

describe('the typed records the transition functions take', () => {
  // jsonb_populate_record turns a missing key into NULL without a word: every column must be written.
  it('a request record names every column of requests but the id', async () => {
    const command: SubmitCommand = {
      grant: {
        packageId: a.packageId,
        organizationId: '00000000-0000-0000-0000-000000000000',
        organizationCode: a.code,
        country: 'FR',
        store: 'machine',
        kinds: ['workstation'],
      },
      channel: 'client',
      kind: 'workstation',
      csr: await makeCsr({ cn: 'A1B2C3D4E5F60708' }),
      requestedBy: 'DOMAIN\\tester',
    };
    const record = requestRecord(
      command,
      readCsr(command),
      { status: 'Pending', enrollmentType: 'Machine', rejectionReason: null },
      new Date(),
    );
    expect(Object.keys(record).sort()).toEqual((await columnsOf('requests')).filter((c) => c !== 'id'));
  });

  it('a certificate record names every column of certificates', async () => {
    const key = subjectKeyOf(await generatePrivateKey('EC-P256'));
    const { record } = await t.app
      .get(AuthorityService)
      .sign('workstation', { commonName: 'A1B2C3D4E5F60708' }, key, {}, new Date());
    expect(Object.keys(record).sort()).toEqual(await columnsOf('certificates'));
  });
});

describe('the channel', () => {
  it('is recorded on the request and shown in lists and in the detail', async () => {
    const { id } = await submit(t, a, 'workstation');
    const detail = await t
      .http()
      .get(`/api/v1/requests/${id}`)
      .set(...a.manager.auth)
      .expect(200);
    expect(detail.body).toMatchObject({ id, channel: 'client' });
    const list = await t
      .http()
      .get('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .expect(200);
    expect((list.body as { items: { id: number; channel: string }[] }).items.find((r) => r.id === id)).toMatchObject({
      channel: 'client',
    });
    const audit = await t
      .http()
      .get(`/api/v1/audit?requestId=${id}`)
      .set(...admin.auth)
      .expect(200);
    const submitted = (audit.body as { items: { action: string; details: Record<string, unknown> }[] }).items.find(
      (e) => e.action === 'request.submit',
    );
    expect(submitted?.details).toMatchObject({ channel: 'client' });
  });
});

describe('approval', () => {
  it('signs from what submission kept, and from the CSR for a request stored before it was kept', async () => {
    const kept = await submit(t, a, 'workstation');
    const legacy = await submit(t, a, 'workstation');
    await t.db.query(`UPDATE requests SET spki_der = NULL, csr_facts = NULL WHERE id = $1`, [legacy.id]);
    for (const { id, cn } of [kept, legacy]) {
      await t
        .http()
        .post(`/api/v1/requests/${id}/approve`)
        .set(...a.manager.auth)
        .send({})
        .expect(200);
      const pem = (
        await t
          .http()
          .get(`/api/v1/enrollment/requests/${id}/certificate?format=pem`)
          .set(...a.pkg)
          .expect(200)
      ).text;
      const subject = spawnSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], {
        input: pem,
      }).stdout.toString();
      expect(subject).toContain(`CN=${cn}`);
      expect(subject).toContain(`O=${a.code}`);
      expect(subject).toContain('L=Paris');
      const detail = await t
        .http()
        .get(`/api/v1/requests/${id}`)
        .set(...a.manager.auth)
        .expect(200);
      expect(detail.body).toMatchObject({
        csr: { subject: expect.stringContaining(`CN=${cn}`) as unknown, publicKey: { algorithm: 'EC' } },
      });
    }
  });
});

describe('revocation for keyCompromise', () => {
  it('revokes every certificate of the key and moves their requests to Revoked, each in the audit log', async () => {
    // Two devices that (wrongly) share one key: the key, not one certificate, is compromised.
    const ids: number[] = [];
    for (const cn of ['0A0B0C0D0E0F1011', '1A1B1C1D1E1F2021']) {
      const csr = await makeCsr({ cn, algorithm: 'RSA-2048' });
      const submitted = await t
        .http()
        .post('/api/v1/enrollment/requests')
        .set(...a.pkg)
        .send({ kind: 'workstation', csr, requestedBy: 'DOMAIN\\tester' })
        .expect(201);
      const id = (submitted.body as { id: number }).id;
      await t
        .http()
        .post(`/api/v1/requests/${id}/approve`)
        .set(...a.manager.auth)
        .send({})
        .expect(200);
      ids.push(id);
    }
    const [first, second] = ids as [number, number];
    await t
      .http()
      .post(`/api/v1/enrollment/requests/${second}/installed`)
      .set(...a.pkg)
      .expect(200);
    await t
      .http()
      .post(`/api/v1/requests/${first}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'keyCompromise' })
      .expect(200);

    const other = await t
      .http()
      .get(`/api/v1/requests/${second}`)
      .set(...a.manager.auth)
      .expect(200);
    const body = other.body as {
      status: string;
      certificate: { serialNumber: string; status: string };
      history: { status: string; reason: string }[];
    };
    expect(body.status).toBe('Revoked');
    expect(body.certificate.status).toBe('revoked');
    expect(body.history.at(-1)).toMatchObject({ status: 'Revoked', reason: 'keyCompromise' });
    const certificate = await t
      .http()
      .get(`/api/v1/certificates/${body.certificate.serialNumber}`)
      .set(...a.manager.auth)
      .expect(200);
    expect(certificate.body).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
    const revocations = await t.db.query<{ action: string }[]>(
      `SELECT action FROM audit_events WHERE action = 'certificate.revoke' AND details->>'reason' = 'keyCompromise'`,
    );
    expect(revocations).toHaveLength(2);

    // And the key is refused from now on.
    const again = await t
      .http()
      .post('/api/v1/enrollment/requests')
      .set(...a.pkg)
      .send({
        kind: 'workstation',
        csr: await makeCsr({ cn: '2A2B2C2D2E2F3031', algorithm: 'RSA-2048' }),
        requestedBy: 'DOMAIN\\tester',
      })
      .expect(201);
    expect(again.body).toMatchObject({ status: 'Rejected' });
  });

  it('rejects the open requests of the key, and approval refuses the key even if one slipped through', async () => {
    const submitKey = (cn: string): Promise<number> =>
      makeCsr({ cn, algorithm: 'RSA-3072' }).then(
        async (csr) =>
          (
            (
              await t
                .http()
                .post('/api/v1/enrollment/requests')
                .set(...a.pkg)
                .send({ kind: 'workstation', csr, requestedBy: 'DOMAIN\\other' })
                .expect(201)
            ).body as { id: number }
          ).id,
      );
    const issued = await submitKey('5A5B5C5D5E5F6061');
    await t
      .http()
      .post(`/api/v1/requests/${issued}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(200);
    const open = await submitKey('6A6B6C6D6E6F7071');
    await t
      .http()
      .post(`/api/v1/requests/${issued}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'keyCompromise' })
      .expect(200);
    const rejected = await t
      .http()
      .get(`/api/v1/requests/${open}`)
      .set(...a.manager.auth)
      .expect(200);
    expect(rejected.body).toMatchObject({
      status: 'Rejected',
      rejectionReason: expect.stringContaining('key compromise') as unknown,
    });
    // The race this closes: an approval of a request read Pending just before the revocation.
    await t.db.query(`UPDATE requests SET status = 'Pending', rejection_reason = NULL WHERE id = $1`, [open]);
    const refused = await t
      .http()
      .post(`/api/v1/requests/${open}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'KEY_COMPROMISED' });
    const stored = await t.db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM certificates WHERE request_id = $1`,
      [open],
    );
    expect(stored[0]?.count).toBe(0);
  });

  it('revokes only the certificate itself for any other reason', async () => {
    const csrs = await Promise.all(
      ['3A3B3C3D3E3F4041', '4A4B4C4D4E4F5051'].map((cn) => makeCsr({ cn, algorithm: 'EC-P384' })),
    );
    const ids: number[] = [];
    for (const csr of csrs) {
      const submitted = await t
        .http()
        .post('/api/v1/enrollment/requests')
        .set(...a.pkg)
        .send({ kind: 'workstation', csr, requestedBy: 'DOMAIN\\tester' })
        .expect(201);
      const id = (submitted.body as { id: number }).id;
      await t
        .http()
        .post(`/api/v1/requests/${id}/approve`)
        .set(...a.manager.auth)
        .send({})
        .expect(200);
      ids.push(id);
    }
    await t
      .http()
      .post(`/api/v1/requests/${ids[0] ?? 0}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'superseded' })
      .expect(200);
    const other = await t
      .http()
      .get(`/api/v1/requests/${ids[1] ?? 0}`)
      .set(...a.manager.auth)
      .expect(200);
    expect(other.body).toMatchObject({ status: 'Approved', certificate: { status: 'valid' } });
  });
});
