import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildCsr,
  createCertificateAuthority,
  generatePrivateKey,
  issueCertificate,
  loadCertificateAuthority,
  nameToDer,
  OID,
  parseCsr,
  pkiUrls,
  PROFILES,
  signCertificate,
  toPem,
} from '@enroll/pki';
import { startMtlsServer } from '../src/mtls/mtls-server';
import { AuthorityService, CaService, subjectKeyOf } from '../src/authority';
import { startTestApp, type TestApp } from './support/test-app';
import { commonNameFor, createTenant, signInAdmin, type Session, type Tenant } from './support/factories';
import { testConfig } from './support/test-config';

const dir = mkdtempSync(join(tmpdir(), 'enroll-mtls-'));
let t: TestApp;
let mtls: HttpsServer;
let httpPort: number;
let mtlsPort: number;
let admin: Session;
let a: Tenant;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  httpPort = (t.server.address() as AddressInfo).port;
  mtls = await startMtlsServer(t.app, testConfig(), 0);
  mtlsPort = (mtls.address() as AddressInfo).port;
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
  writeFileSync(join(dir, 'ca.pem'), (await t.http().get('/pki/ca.pem').expect(200)).text);
  writeFileSync(
    join(dir, 'issuing.pem'),
    (await t.http().get('/pki/ca.pem').expect(200)).text.split(/(?<=-----END CERTIFICATE-----\n)/)[0] ?? '',
  );
});
afterAll(async () => {
  mtls.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
/** A device enrolls: key on the device, request, approval by the manager; files for curl and openssl. */
async function enrolledDevice(): Promise<{ id: number; serial: string; cert: string; key: string }> {
  const privateKey = await generatePrivateKey('EC-P256');
  const csr = buildCsr({ privateKey, subject: [{ oid: OID.commonName, value: commonNameFor('workstation') }] });
  const submitted = await t
    .http()
    .post('/api/v1/enrollment/requests')
    .set(...a.pkg)
    .send({ kind: 'workstation', csr, requestedBy: 'DOMAIN\\dev' })
    .expect(201);
  const id = (submitted.body as { id: number }).id;
  const approved = await t
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
  counter++;
  const cert = join(dir, `device-${counter}.pem`);
  const key = join(dir, `device-${counter}.key`);
  writeFileSync(cert, pem);
  writeFileSync(key, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return {
    id,
    serial: (approved.body as { certificate: { serialNumber: string } }).certificate.serialNumber,
    cert,
    key,
  };
}

/** Runs a real client asynchronously: the API under test lives in this very process. */
function run(
  command: string,
  args: string[],
  input?: string,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const curl = async (args: string[]): Promise<{ status: number; body: string }> => {
  const result = await run('curl', ['-s', '-w', '\n%{http_code}', '--cacert', join(dir, 'ca.pem'), ...args]);
  const lines = result.stdout.trimEnd().split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
};
const testUrl = (): string => `https://127.0.0.1:${mtlsPort}/api/v1/enrollment/test`;

describe('the mTLS port and the test service', () => {
  it('answers success to curl with a fresh certificate, and refuses it right after a revocation (no restart)', async () => {
    const device = await enrolledDevice();
    const ok = await curl(['--cert', device.cert, '--key', device.key, testUrl()]);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({
      message: 'Connection to test connection service successful.',
      serialNumber: device.serial,
    });

    await t
      .http()
      .post(`/api/v1/requests/${device.id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'keyCompromise' })
      .expect(200);
    const refused = await curl(['--cert', device.cert, '--key', device.key, testUrl()]);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'CERTIFICATE_REVOKED', revocationReason: 'keyCompromise' });
  });

  it('speaks TLS to openssl s_client, which checks the server certificate against the CA', async () => {
    const device = await enrolledDevice();
    const result = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${mtlsPort}`,
        '-servername',
        'localhost',
        '-verify_return_error',
        '-verify_hostname',
        'localhost',
        '-CAfile',
        join(dir, 'ca.pem'),
        '-cert',
        device.cert,
        '-key',
        device.key,
        '-quiet',
      ],
      'GET /api/v1/enrollment/test HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(result.stdout).toMatch(/HTTP\/1.1 200/);
    expect(result.stdout).toContain('Connection to test connection service successful.');
  });

  it('says exactly why otherwise: no certificate, another CA, or the plain HTTP port', async () => {
    const none = await curl([testUrl()]);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ code: 'CERTIFICATE_REQUIRED' });

    const stranger = loadCertificateAuthority(
      await createCertificateAuthority({
        passphrase: 'another ca passphrase',
        now: new Date(Date.now() - 60_000),
        keyAlgorithm: 'EC-P256',
      }),
      'another ca passphrase',
    );
    const key = await generatePrivateKey('EC-P256');
    const csr = buildCsr({ privateKey: key, subject: [{ oid: OID.commonName, value: 'A1B2C3D4E5F6A7B8' }] });
    const foreign = await issueCertificate({
      profile: PROFILES.workstation,
      input: { commonName: 'A1B2C3D4E5F6A7B8' },
      subjectKey: parseCsr(csr),
      authority: stranger.authority,
      urls: pkiUrls('http://x'),
      now: new Date(),
    });
    writeFileSync(join(dir, 'foreign.pem'), toPem('CERTIFICATE', foreign.der) + stranger.chainPem);
    writeFileSync(join(dir, 'foreign.key'), key.export({ format: 'pem', type: 'pkcs8' }));
    const unknown = await curl(['--cert', join(dir, 'foreign.pem'), '--key', join(dir, 'foreign.key'), testUrl()]);
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'UNKNOWN_ISSUER' });

    const plain = await t.http().get('/api/v1/enrollment/test').expect(401);
    expect(plain.body).toMatchObject({ code: 'CERTIFICATE_REQUIRED' });
  });

  it.each([
    ['expired', -800, -70, 'CERTIFICATE_EXPIRED'],
    ['not yet valid', 2, 400, 'CERTIFICATE_NOT_YET_VALID'],
  ])('refuses a certificate of this CA that is %s', async (_name, fromDays, toDays, code) => {
    const key = await generatePrivateKey('EC-P256');
    const csr = parseCsr(buildCsr({ privateKey: key, subject: [{ oid: OID.commonName, value: 'C0FFEE0011223344' }] }));
    // Signed with the real issuing key outside the issuer (whose lint keeps a leaf inside the CA's
    // own validity, which began an hour ago): the strategy must judge the dates itself.
    const { authority } = t.app.get(CaService).ca;
    const day = 86_400_000;
    const der = await signCertificate(
      {
        serial: Buffer.from(randomBytes(16).map((b, i) => (i === 0 ? b & 0x7f : b))),
        issuerName: authority.subjectName,
        subjectName: nameToDer([{ oid: OID.commonName, value: 'C0FFEE0011223344' }]),
        notBefore: new Date(Date.now() + fromDays * day),
        notAfter: new Date(Date.now() + toDays * day),
        spki: csr.spki,
        extensions: [],
      },
      authority.signer,
    );
    writeFileSync(join(dir, `${code}.pem`), toPem('CERTIFICATE', der));
    writeFileSync(join(dir, `${code}.key`), key.export({ format: 'pem', type: 'pkcs8' }));
    const refused = await curl(['--cert', join(dir, `${code}.pem`), '--key', join(dir, `${code}.key`), testUrl()]);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ code });
  });

  it.each([
    ['manager', { commonName: 'mgr-device-check' }, 'MANAGER_CERTIFICATE'],
    ['external', { commonName: 'ext-device-check.example.org' }, 'NOT_A_CLIENT_CERTIFICATE'],
  ] as const)('refuses a %s certificate of this CA at the device endpoints', async (profile, input, code) => {
    const key = await generatePrivateKey('EC-P256');
    const issued = await t.app
      .get(AuthorityService)
      .issue(profile, input, subjectKeyOf(key), {}, { name: 'test', type: 'system' }, new Date());
    writeFileSync(join(dir, `${profile}.pem`), toPem('CERTIFICATE', issued.der));
    writeFileSync(join(dir, `${profile}.key`), key.export({ format: 'pem', type: 'pkcs8' }));
    const tested = await curl(['--cert', join(dir, `${profile}.pem`), '--key', join(dir, `${profile}.key`), testUrl()]);
    expect(tested.status).toBe(403);
    expect(JSON.parse(tested.body)).toMatchObject({ code });
    const revoke = await curl([
      '--cert',
      join(dir, `${profile}.pem`),
      '--key',
      join(dir, `${profile}.key`),
      '-H',
      'content-type: application/json',
      '-d',
      '{"reason":"superseded"}',
      `https://127.0.0.1:${mtlsPort}/api/v1/enrollment/revoke`,
    ]);
    expect(JSON.parse(revoke.body)).toMatchObject({ code });
  });

  it('lets a device revoke its own certificate; history and audit name the device', async () => {
    const device = await enrolledDevice();
    const revoked = await curl([
      '--cert',
      device.cert,
      '--key',
      device.key,
      '-H',
      'content-type: application/json',
      '-d',
      '{"reason":"cessationOfOperation"}',
      `https://127.0.0.1:${mtlsPort}/api/v1/enrollment/revoke`,
    ]);
    expect(revoked.status).toBe(200);
    expect(JSON.parse(revoked.body)).toMatchObject({ id: device.id, status: 'Revoked' });
    const detail = await t
      .http()
      .get(`/api/v1/requests/${device.id}`)
      .set(...admin.auth)
      .expect(200);
    const last = (
      detail.body as { history: { status: string; actor: string; actorType: string; reason: string }[] }
    ).history.at(-1);
    expect(last).toEqual(
      expect.objectContaining({
        status: 'Revoked',
        actor: `device ${device.serial}`,
        actorType: 'device',
        reason: 'cessationOfOperation',
      }),
    );
    expect((await curl(['--cert', device.cert, '--key', device.key, testUrl()])).status).toBe(403);
  });
});

describe("the CA's own service certificates", () => {
  /** The certificate the mTLS port presents, as a TLS client receives it. */
  const serverCertificate = (): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: mtlsPort, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().raw);
        socket.end();
      });
      socket.on('error', reject);
    });

  it('are stored and audited like every certificate, and good by OCSP (openssl ocsp)', async () => {
    const der = await serverCertificate();
    writeFileSync(join(dir, 'mtls-server.pem'), toPem('CERTIFICATE', der));
    const answer = await run('openssl', [
      'ocsp',
      '-issuer',
      join(dir, 'issuing.pem'),
      '-cert',
      join(dir, 'mtls-server.pem'),
      '-url',
      `http://127.0.0.1:${httpPort}/pki/ocsp`,
      '-CAfile',
      join(dir, 'ca.pem'),
    ]);
    expect(answer.stdout).toMatch(/mtls-server.pem: good/);
    const stored = await t.db.query<{ serial: string; profile: string; request_id: string | null }[]>(
      `SELECT serial, profile, request_id FROM certificates WHERE profile IN ('tls-server', 'ocsp-responder') ORDER BY created_at`,
    );
    expect(stored.map((c) => c.profile)).toEqual(expect.arrayContaining(['tls-server', 'ocsp-responder']));
    const audited = await t.db.query<{ target: string }[]>(
      `SELECT target FROM audit_events WHERE action = 'certificate.issue' AND actor = 'system'`,
    );
    expect(audited.map((e) => e.target).sort()).toEqual(stored.map((c) => c.serial).sort());
    // The responder's own certificate is stored too: it answers good for itself.
    const responder = stored.find((c) => c.profile === 'ocsp-responder');
    const lookup = await t.app.get(AuthorityService).status(responder?.serial ?? '');
    expect(lookup).toMatchObject({ status: 'valid', revoked_at: null });
  });
});

describe('OCSP and the CRL, checked by openssl', () => {
  it('openssl ocsp says good, then revoked with its reason right after a revocation', async () => {
    const device = await enrolledDevice();
    const ask = async (): Promise<string> => {
      const result = await run('openssl', [
        'ocsp',
        '-issuer',
        join(dir, 'issuing.pem'),
        '-cert',
        device.cert,
        '-url',
        `http://127.0.0.1:${httpPort}/pki/ocsp`,
        '-CAfile',
        join(dir, 'ca.pem'),
      ]);
      expect(result.stderr).toMatch(/Response verify OK/);
      return result.stdout;
    };
    expect(await ask()).toMatch(/: good/);
    await t
      .http()
      .post(`/api/v1/requests/${device.id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'superseded' })
      .expect(200);
    expect(await ask()).toMatch(/: revoked[\s\S]*Reason: superseded/);
  });

  it('answers GET requests too, and malformed ones with malformedRequest', async () => {
    const device = await enrolledDevice();
    await run('openssl', [
      'ocsp',
      '-issuer',
      join(dir, 'issuing.pem'),
      '-cert',
      device.cert,
      '-no_nonce',
      '-reqout',
      join(dir, 'get.req'),
    ]);
    const encoded = encodeURIComponent(readFileSync(join(dir, 'get.req')).toString('base64'));
    const response = await t
      .http()
      .get(`/pki/ocsp/${encoded}`)
      .expect(200)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    writeFileSync(join(dir, 'get.resp'), response.body as Buffer);
    expect(
      (await run('openssl', ['ocsp', '-respin', join(dir, 'get.resp'), '-resp_text', '-noverify'])).stdout,
    ).toMatch(/Cert Status: good/);
    const bad = await t
      .http()
      .post('/pki/ocsp')
      .set('Content-Type', 'application/ocsp-request')
      .send(Buffer.from('nonsense'))
      .expect(200);
    expect(bad.headers['content-type']).toMatch(/application\/ocsp-response/);
  });

  it('the CRL number rises by one per regeneration; verify -crl_check fails for the revoked and passes for another', async () => {
    const crlNumber = async (): Promise<number> => {
      const der = await t
        .http()
        .get('/pki/crl')
        .expect(200)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      writeFileSync(join(dir, 'current.crl'), der.body as Buffer);
      return Number(
        /CRL Number:\s*\n?\s*(\d+)/.exec(
          (await run('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'current.crl'), '-noout', '-text'])).stdout,
        )?.[1],
      );
    };
    const good = await enrolledDevice();
    const bad = await enrolledDevice();
    const before = await crlNumber();
    await t
      .http()
      .post(`/api/v1/requests/${bad.id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'keyCompromise' })
      .expect(200);
    expect(await crlNumber()).toBe(before + 1);
    expect(await crlNumber()).toBe(before + 1);
    await run('openssl', [
      'crl',
      '-inform',
      'DER',
      '-in',
      join(dir, 'current.crl'),
      '-out',
      join(dir, 'current.crl.pem'),
    ]);
    const verify = (cert: string) =>
      run('openssl', [
        'verify',
        '-crl_check',
        '-CAfile',
        join(dir, 'ca.pem'),
        '-CRLfile',
        join(dir, 'current.crl.pem'),
        cert,
      ]);
    const refused = await verify(bad.cert);
    expect(refused.stdout + refused.stderr).toMatch(/certificate revoked/);
    expect((await verify(good.cert)).status).toBe(0);
    const etag = (await t.http().get('/pki/crl').expect(200)).headers.etag;
    await t.http().get('/pki/crl').set('If-None-Match', String(etag)).expect(304);
  });
});
