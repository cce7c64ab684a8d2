import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { runInThisContext } from 'node:vm';
import { join } from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { DataSource } from 'typeorm';
import { toPem, type KeyAlgorithm } from '@enroll/pki';
import { caKeyStoreFor } from '../src/authority';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/database-options';
import { binary, createTenant, signInAdmin, submit, type Tenant } from './support/factories';
import { urlFor, withAdmin } from './support/postgres';
import { startTestApp, type TestApp } from './support/test-app';

// The issuing key in SoftHSM2 (Debian's softhsm2), reached over PKCS#11 exactly as an HSM would be.
// In a file of its own: each application is bootstrapped into the token on a database without a CA,
// and passport strategies are process-wide, so the applications here run one after the other.

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const TOKEN = 'enroll-test';
const OTHER_TOKEN = 'enroll-other';
const PIN = '246813579';
const dir = mkdtempSync(join(tmpdir(), 'enroll-hsm-'));

/**
 * SoftHSM reads SOFTHSM2_CONF (getenv) at C_Initialize, so it must be in the process's real
 * environment before any application opens the module. Jest gives each test file a copy of
 * process.env: the real one is reached through the main context.
 */
const realProcess = runInThisContext('process') as NodeJS.Process;

function initialiseTokens(): void {
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  realProcess.env.SOFTHSM2_CONF = conf;
  for (const label of [TOKEN, OTHER_TOKEN]) {
    const init = spawnSync(
      'softhsm2-util',
      ['--init-token', '--free', '--label', label, '--pin', PIN, '--so-pin', '1357924680'],
      { env: { ...realProcess.env, SOFTHSM2_CONF: conf } },
    );
    if (init.status !== 0) {
      throw new Error(`softhsm2-util --init-token failed: ${init.stderr.toString()}`);
    }
  }
  // The tokens are in the test's own folder, never in the system's.
  expect(readdirSync(join(dir, 'tokens'))).toHaveLength(2);
}
initialiseTokens();

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hsmEnv = (keyLabel: string, algorithm: KeyAlgorithm): Record<string, string> => ({
  ENROLL_PKCS11_MODULE: MODULE,
  ENROLL_PKCS11_TOKEN_LABEL: TOKEN,
  ENROLL_PKCS11_PIN: PIN,
  ENROLL_PKCS11_KEY_LABEL: keyLabel,
  ENROLL_CA_KEY_ALGORITHM: algorithm,
  ENROLL_ROOT_KEY_FILE: join(dir, `root-${keyLabel}`, 'root-ca.key'),
});

/** A database with the migrations only: no CA yet, so that the API bootstraps one into the token. */
async function databaseWithoutCa(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `enroll_hsm_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const db = new DataSource({ ...dataSourceOptions({ url: urlFor(name) }), migrationsRun: false });
  await db.initialize();
  try {
    await db.runMigrations();
  } finally {
    await db.destroy();
  }
  return {
    url: urlFor(name),
    drop: () =>
      withAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

/** A command run asynchronously: openssl ocsp talks to the API in this very process. */
function run(command: string, args: string[]): Promise<{ status: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, out }));
  });
}

/** The test's own look into the token, through pkcs11js (the module is initialised once per process). */
function tokenSession(): { p11: pkcs11js.PKCS11; session: Buffer } {
  const p11 = new pkcs11js.PKCS11();
  p11.load(MODULE);
  try {
    p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    if ((error as { code?: number }).code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw error;
    }
  }
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trimEnd() === TOKEN);
  if (!slot) {
    throw new Error(`no token ${TOKEN}`);
  }
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    p11.C_Login(session, pkcs11js.CKU_USER, PIN);
  } catch (error) {
    if ((error as { code?: number }).code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
      throw error;
    }
  }
  return { p11, session };
}

function findObjects(p11: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  p11.C_FindObjectsInit(session, template);
  const found = p11.C_FindObjects(session, 10);
  p11.C_FindObjectsFinal(session);
  return found;
}

describe('a start refused when the token or the key is not there', () => {
  const config = (env: Record<string, string>) =>
    loadConfig({ ENROLL_DATA_DIR: dir, ENROLL_CA_PASSPHRASE: 'ca passphrase for hsm tests', ...env });

  it('names a missing token and lists those present', () => {
    expect(() =>
      caKeyStoreFor(
        config({ ENROLL_PKCS11_MODULE: MODULE, ENROLL_PKCS11_TOKEN_LABEL: 'nope', ENROLL_PKCS11_PIN: PIN }),
      ),
    ).toThrow(/No PKCS#11 token labelled "nope" in .*libsofthsm2\.so\. Tokens present: .*"enroll-test"/);
  });

  it('says the PIN was refused', () => {
    expect(() =>
      caKeyStoreFor(
        config({ ENROLL_PKCS11_MODULE: MODULE, ENROLL_PKCS11_TOKEN_LABEL: OTHER_TOKEN, ENROLL_PKCS11_PIN: '0000' }),
      ),
    ).toThrow(/Cannot log in to the PKCS#11 token "enroll-other" with ENROLL_PKCS11_PIN: CKR_PIN_INCORRECT/);
  });

  it('names a key reference the token does not hold, and a software key met with a module configured', async () => {
    const store = caKeyStoreFor(
      config({ ENROLL_PKCS11_MODULE: MODULE, ENROLL_PKCS11_TOKEN_LABEL: TOKEN, ENROLL_PKCS11_PIN: PIN }),
    );
    await expect(store.load(`pkcs11:token=${TOKEN};object=gone;type=private;id=%01%02`)).rejects.toThrow(
      /private object pkcs11:.* is not in the PKCS#11 token "enroll-test"/,
    );
    await expect(store.load('pkcs11:token=elsewhere;object=k;id=%01')).rejects.toThrow(/is in the token "elsewhere"/);
    await expect(store.load('-----BEGIN ENCRYPTED PRIVATE KEY-----\n')).rejects.toThrow(
      /software key, but ENROLL_PKCS11_MODULE is set/,
    );
  });
});

describe.each([
  ['RSA-2048', 'sha256WithRSAEncryption'],
  ['EC-P256', 'ecdsa-with-SHA256'],
  ['EC-P384', 'ecdsa-with-SHA384'],
] as const)('the issuing key in SoftHSM2 (%s)', (algorithm, signatureName) => {
  const keyLabel = `enroll-issuing-${algorithm.toLowerCase()}`;
  const files = join(dir, algorithm);
  let database: { url: string; drop: () => Promise<void> };
  let t: TestApp;
  let port: number;
  let a: Tenant;
  let leaf: { id: number; file: string; serial: string };

  beforeAll(async () => {
    mkdirSync(files);
    database = await databaseWithoutCa();
    t = await startTestApp({ target: { url: database.url }, env: hsmEnv(keyLabel, algorithm) });
    await t.app.listen(0, '127.0.0.1');
    port = (t.server.address() as AddressInfo).port;
    a = await createTenant(t, await signInAdmin(t));
    const chain = (await t.http().get('/pki/ca.pem').expect(200)).text;
    writeFileSync(join(files, 'ca.pem'), chain);
    writeFileSync(join(files, 'issuing.pem'), chain.split(/(?<=-----END CERTIFICATE-----\n)/)[0] ?? '');
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  const file = (name: string, content: string | Buffer): string => {
    writeFileSync(join(files, name), content);
    return join(files, name);
  };

  it('stores a reference to the key in the token, not a key, and certifies the token key', async () => {
    const [issuing] = await t.db.query<{ encrypted_key_pem: string; certificate_pem: string }[]>(
      `SELECT encrypted_key_pem, certificate_pem FROM certificate_authorities WHERE name = 'issuing'`,
    );
    expect(issuing?.encrypted_key_pem).toMatch(
      new RegExp(`^pkcs11:token=${TOKEN};object=${keyLabel};type=private;id=(%[0-9a-f]{2}){16}$`),
    );
    expect(issuing?.encrypted_key_pem).not.toMatch(/PRIVATE KEY/);
    const [bootstrap] = await t.db.query<{ details: { keyStore: string } }[]>(
      `SELECT details FROM audit_events WHERE action = 'ca.bootstrap'`,
    );
    expect(bootstrap?.details.keyStore).toBe(`issuing key in the PKCS#11 token "${TOKEN}" (${MODULE})`);
    // The issuing certificate's key is the token's public key object of that id.
    const { p11, session } = tokenSession();
    const id = Buffer.from((issuing?.encrypted_key_pem ?? '').split('id=')[1]?.replace(/%/g, '') ?? '', 'hex');
    const [publicKey] = findObjects(p11, session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
      { type: pkcs11js.CKA_ID, value: id },
    ]);
    expect(publicKey).toBeDefined();
    const certificate = new X509Certificate(issuing?.certificate_pem ?? '');
    const jwk = certificate.publicKey.export({ format: 'jwk' });
    if (algorithm.startsWith('RSA')) {
      const [modulus] = p11.C_GetAttributeValue(session, publicKey ?? Buffer.alloc(0), [
        { type: pkcs11js.CKA_MODULUS },
      ]);
      expect(modulus?.value.toString('base64url')).toBe(jwk.n);
    } else {
      const [point] = p11.C_GetAttributeValue(session, publicKey ?? Buffer.alloc(0), [{ type: pkcs11js.CKA_EC_POINT }]);
      expect(point?.value.toString('hex')).toContain(Buffer.from(jwk.x ?? '', 'base64url').toString('hex'));
    }
  });

  it('keeps the private key in the token: sensitive, never extractable, its value unreadable', () => {
    const { p11, session } = tokenSession();
    const found = findObjects(p11, session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_LABEL, value: keyLabel },
    ]);
    expect(found).toHaveLength(1);
    const key = found[0] ?? Buffer.alloc(0);
    const flags = [
      pkcs11js.CKA_TOKEN,
      pkcs11js.CKA_PRIVATE,
      pkcs11js.CKA_SENSITIVE,
      pkcs11js.CKA_ALWAYS_SENSITIVE,
      pkcs11js.CKA_EXTRACTABLE,
      pkcs11js.CKA_NEVER_EXTRACTABLE,
      pkcs11js.CKA_SIGN,
    ];
    const values = p11.C_GetAttributeValue(
      session,
      key,
      flags.map((type) => ({ type })),
    );
    expect(values.map((v) => v.value[0] === 1)).toEqual([true, true, true, true, false, true, true]);
    const secret = algorithm.startsWith('RSA') ? pkcs11js.CKA_PRIVATE_EXPONENT : pkcs11js.CKA_VALUE;
    expect(() => p11.C_GetAttributeValue(session, key, [{ type: secret }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
  });

  it('issues a certificate, signed in the token, that openssl verifies', async () => {
    const { id } = await submit(t, a, 'workstation');
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
    leaf = {
      id,
      file: file('leaf.pem', pem.split(/(?<=-----END CERTIFICATE-----\n)/)[0] ?? ''),
      serial: (approved.body as { certificate: { serialNumber: string } }).certificate.serialNumber,
    };
    const verdict = await run('openssl', ['verify', '-x509_strict', '-CAfile', join(files, 'ca.pem'), leaf.file]);
    expect(verdict.out).toMatch(/leaf\.pem: OK/);
    const text = await run('openssl', ['x509', '-noout', '-text', '-in', leaf.file]);
    expect(text.out).toContain(`Signature Algorithm: ${signatureName}`);
  });

  it('signs concurrent approvals without failing (a pool of token sessions, OS locking)', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, async () => (await submit(t, a, 'workstation')).id));
    await Promise.all(
      ids.map((id) =>
        t
          .http()
          .post(`/api/v1/requests/${id}/approve`)
          .set(...a.manager.auth)
          .send({})
          .expect(200),
      ),
    );
    const pems = await Promise.all(
      ids.map(
        async (id) =>
          (
            await t
              .http()
              .get(`/api/v1/enrollment/requests/${id}/certificate?format=pem`)
              .set(...a.pkg)
              .expect(200)
          ).text,
      ),
    );
    const verdict = await run('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      join(files, 'ca.pem'),
      ...pems.map((pem, i) => file(`concurrent-${i}.pem`, pem.split(/(?<=-----END CERTIFICATE-----\n)/)[0] ?? '')),
    ]);
    expect(verdict.out.match(/: OK/g)).toHaveLength(12);
  });

  const ocsp = () =>
    run('openssl', [
      'ocsp',
      '-issuer',
      join(files, 'issuing.pem'),
      '-cert',
      leaf.file,
      '-url',
      `http://127.0.0.1:${port}/pki/ocsp`,
      '-CAfile',
      join(files, 'ca.pem'),
    ]);

  it('answers OCSP good, then revoked, through a responder the token certified', async () => {
    const good = await ocsp();
    expect(good.out).toMatch(/Response verify OK/);
    expect(good.out).toMatch(/leaf\.pem: good/);
    await t
      .http()
      .post(`/api/v1/requests/${leaf.id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'superseded' })
      .expect(200);
    const revoked = await ocsp();
    expect(revoked.out).toMatch(/Response verify OK/);
    expect(revoked.out).toMatch(/leaf\.pem: revoked/);
  });

  it('publishes a CRL, signed in the token, that openssl verifies and that lists the revoked certificate', async () => {
    const crl = (await t.http().get('/pki/crl').buffer(true).parse(binary).expect(200)).body as Buffer;
    const crlFile = file('issuing.crl', crl);
    const verdict = await run('openssl', [
      'crl',
      '-inform',
      'DER',
      '-in',
      crlFile,
      '-CAfile',
      join(files, 'ca.pem'),
      '-noout',
    ]);
    expect(verdict.out).toMatch(/verify OK/);
    const text = await run('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text']);
    expect(text.out.toUpperCase()).toContain(leaf.serial.toUpperCase());
    expect(text.out).toContain(`Signature Algorithm: ${signatureName}`);
    const pemCrl = file('issuing.crl.pem', toPem('X509 CRL', crl));
    const checked = await run('openssl', [
      'verify',
      '-crl_check',
      '-CAfile',
      join(files, 'ca.pem'),
      '-CRLfile',
      pemCrl,
      leaf.file,
    ]);
    expect(checked.out).toMatch(/certificate revoked/);
  });
});
