import { spawn, spawnSync } from 'node:child_process';
import { createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { decryptPrivateKey, generatePrivateKey, readCertificate, toPem } from '@enroll/pki';
import { AuthorityService, CaService, runCeremony, subjectKeyOf } from '../src/authority';
import { startTestApp, type TestApp } from './support/test-app';
import { binary, createTenant, signInAdmin, type Session, type Tenant } from './support/factories';
import { enrolledDevice } from './support/devices';
import { CA_PASSPHRASE, testConfig } from './support/test-config';

const dir = mkdtempSync(join(tmpdir(), 'enroll-hierarchy-'));
let t: TestApp;
let port: number;
let admin: Session;
let a: Tenant;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  port = (t.server.address() as AddressInfo).port;
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
  const [issuing, root] = (await t.http().get('/pki/ca.pem').expect(200)).text.split(
    /(?<=-----END CERTIFICATE-----\n)/,
  );
  writeFileSync(join(dir, 'issuing.pem'), issuing ?? '');
  writeFileSync(join(dir, 'root.pem'), root ?? '');
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const openssl = (args: string[]): { status: number; out: string } => {
  const result = spawnSync('openssl', args);
  return { status: result.status ?? -1, out: result.stdout.toString() + result.stderr.toString() };
};

/** openssl talking to the API in this very process: asynchronously, or the server could never answer. */
function opensslAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

/** The path of a certificate's CRL distribution point (its URL names the public URL, not this test server). */
function cdpPath(pem: string): string {
  const url = /URI:(\S+)/.exec(
    openssl(['x509', '-noout', '-ext', 'crlDistributionPoints', '-in', writeTemp('cdp.pem', pem)]).out,
  )?.[1];
  if (!url) {
    throw new Error('no CRL distribution point');
  }
  return new URL(url).pathname;
}

function writeTemp(name: string, content: string | Buffer): string {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

/** Fetches each CRL from the CDP the certificates name, as PEM files for openssl and nginx. */
async function crlsFrom(leafPem: string): Promise<string[]> {
  const issuingPem = readFileSync(join(dir, 'issuing.pem'), 'utf8');
  const files: string[] = [];
  for (const [name, pem] of [
    ['leaf', leafPem],
    ['issuing', issuingPem],
  ] as const) {
    const der = (await t.http().get(cdpPath(pem)).buffer(true).parse(binary).expect(200)).body as Buffer;
    files.push(writeTemp(`${name}.crl.pem`, toPem('X509 CRL', der)));
  }
  return files;
}

describe('the CA hierarchy, judged by OpenSSL', () => {
  it('gives the issuing CA a CDP (the root CRL) and AIA (root OCSP, root certificate)', () => {
    const text = openssl(['x509', '-noout', '-text', '-in', join(dir, 'issuing.pem')]).out;
    expect(text).toMatch(/X509v3 CRL Distribution Points:[\s\S]*URI:http:\/\/127\.0\.0\.1:3000\/pki\/root\.crl/);
    expect(text).toMatch(/OCSP - URI:http:\/\/127\.0\.0\.1:3000\/pki\/ocsp/);
    expect(text).toMatch(/CA Issuers - URI:http:\/\/127\.0\.0\.1:3000\/pki\/root-ca\.crt/);
  });

  it('passes verify -crl_check_all for a good leaf with the CRLs of its own CDPs, and says revoked for a revoked one', async () => {
    const good = await enrolledDevice(t, a, a.manager);
    const bad = await enrolledDevice(t, a, a.manager);
    await t
      .http()
      .post(`/api/v1/requests/${bad.id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'keyCompromise' })
      .expect(200);
    for (const [device, expected] of [
      [good, /good.pem: OK/],
      [bad, /certificate revoked/],
    ] as const) {
      const leaf = writeTemp(
        device === good ? 'good.pem' : 'bad.pem',
        device.certificatePem.split(/(?<=-----END CERTIFICATE-----\n)/)[0] ?? '',
      );
      const crls = await crlsFrom(readFileSync(leaf, 'utf8'));
      const verdict = openssl([
        'verify',
        '-x509_strict',
        '-crl_check_all',
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'issuing.pem'),
        ...crls.flatMap((c) => ['-CRLfile', c]),
        leaf,
      ]);
      expect(verdict.out).toMatch(expected);
    }
  });

  it("answers OCSP for the issuing CA itself (good), signed by the root's delegated responder", async () => {
    const answer = await opensslAsync([
      'ocsp',
      '-issuer',
      join(dir, 'root.pem'),
      '-cert',
      join(dir, 'issuing.pem'),
      '-url',
      `http://127.0.0.1:${port}/pki/ocsp`,
      '-CAfile',
      join(dir, 'root.pem'),
      '-resp_text',
    ]);
    expect(answer).toMatch(/issuing.pem: good/);
    expect(answer).toMatch(/Response verify OK/);
    expect(answer).toMatch(/Enroll Root OCSP Responder/);
  });

  it('keeps the root key out of the database and out of the API process', async () => {
    const config = testConfig();
    const rows = await t.db.query<{ name: string; encrypted_key_pem: string | null }[]>(
      `SELECT name, encrypted_key_pem FROM certificate_authorities`,
    );
    expect(rows.find((r) => r.name === 'root')?.encrypted_key_pem).toBeNull();
    // Nothing under the data folder is the root key, and no private key the CA service holds is the root's.
    const rootSpki = readCertificate(readFileSync(join(dir, 'root.pem'), 'utf8')).spki;
    expect(filesUnder(config.dataDir).filter((f) => holdsKey(f, rootSpki))).toEqual([]);
    expect(
      privateKeysIn(t.app.get(CaService)).some((k) =>
        createPublicKey(k).export({ format: 'der', type: 'spki' }).equals(rootSpki),
      ),
    ).toBe(false);
    expect(privateKeysIn(t.app.get(CaService)).length).toBeGreaterThan(0);
  });
});

/** Every file under a folder (the test data folder may not exist). */
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) {
    return [];
  }
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((f) => join(folder, f))
    .filter((f) => statSync(f).isFile());
}

function holdsKey(file: string, spki: Buffer): boolean {
  const text = readFileSync(file, 'latin1');
  if (!text.includes('PRIVATE KEY')) {
    return false;
  }
  try {
    return createPublicKey(decryptPrivateKey(text, CA_PASSPHRASE)).export({ format: 'der', type: 'spki' }).equals(spki);
  } catch {
    return false;
  }
}

/** The private KeyObjects reachable from an object (a few levels deep). */
function privateKeysIn(root: unknown, depth = 6, seen = new Set<unknown>()): KeyObject[] {
  if (depth === 0 || root === null || typeof root !== 'object' || seen.has(root)) {
    return [];
  }
  seen.add(root);
  if (root instanceof KeyObject) {
    return root.type === 'private' ? [root] : [];
  }
  if (root instanceof X509Certificate || Buffer.isBuffer(root) || root instanceof DataSource) {
    return [];
  }
  return Object.values(root as Record<string, unknown>).flatMap((v) => privateKeysIn(v, depth - 1, seen));
}

describe('ceremonies', () => {
  it('sign a new root CRL with the root key from its file, and nothing else can', async () => {
    const before = await t.db.query<{ crl_number: string }[]>(
      `SELECT crl_number FROM root_crls ORDER BY crl_number DESC LIMIT 1`,
    );
    // The template's root key file is the one global setup wrote.
    const config = testConfig({ ENROLL_ROOT_KEY_FILE: process.env.ENROLL_TEST_ROOT_KEY_FILE ?? '' });
    const message = await runCeremony('sign-root-crl', config, t.db);
    expect(message).toMatch(/Signed the root CRL number \d+/);
    const after = await t.db.query<{ crl_number: string; der: Buffer }[]>(
      `SELECT crl_number, der FROM root_crls ORDER BY crl_number DESC LIMIT 1`,
    );
    expect(BigInt(after[0]?.crl_number ?? '0')).toBe(BigInt(before[0]?.crl_number ?? '0') + 1n);
    const crl = writeTemp('root-new.crl', after[0]?.der ?? Buffer.alloc(0));
    expect(openssl(['crl', '-inform', 'DER', '-in', crl, '-CAfile', join(dir, 'root.pem'), '-noout']).out).toMatch(
      /verify OK/,
    );
    await expect(runCeremony('sign-root-crl', testConfig(), t.db)).rejects.toThrow(/root key file .* is not there/);
    expect(await runCeremony('status', config, t.db)).toMatch(/root\s+.*key offline/);
  });
});

describe('nginx as the relying party (ssl_verify_client on, ssl_crl with both CRLs)', () => {
  it('accepts a good client certificate and refuses a revoked one', async () => {
    const good = await enrolledDevice(t, a, a.manager);
    const bad = await enrolledDevice(t, a, a.manager);
    await t
      .http()
      .post(`/api/v1/requests/${bad.id}/revoke`)
      .set(...a.manager.auth)
      .send({ reason: 'affiliationChanged' })
      .expect(200);
    const crls = await crlsFrom(good.certificatePem);
    writeTemp('crls.pem', crls.map((f) => readFileSync(f, 'utf8')).join(''));
    writeTemp(
      'chain.pem',
      readFileSync(join(dir, 'root.pem'), 'utf8') + readFileSync(join(dir, 'issuing.pem'), 'utf8'),
    );
    const serverKey = await generatePrivateKey('EC-P256');
    const server = await t.app
      .get(AuthorityService)
      .issue(
        'tls-server',
        { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] },
        subjectKeyOf(serverKey),
        {},
        { name: 'test', type: 'system' },
        new Date(),
      );
    writeTemp('server.pem', toPem('CERTIFICATE', server.der) + readFileSync(join(dir, 'issuing.pem'), 'utf8'));
    writeTemp('server.key', serverKey.export({ format: 'pem', type: 'pkcs8' }));
    const nginxPort = await freePort();
    writeTemp(
      'nginx.conf',
      `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log info;
       events {}
       http {
         access_log off;
         client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
         server {
           listen 127.0.0.1:${nginxPort} ssl;
           ssl_certificate ${dir}/server.pem; ssl_certificate_key ${dir}/server.key;
           ssl_client_certificate ${dir}/chain.pem; ssl_verify_client on; ssl_verify_depth 2; ssl_crl ${dir}/crls.pem;
           location / { return 200 "verified\\n"; }
         }
       }`,
    );
    const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;']);
    try {
      await waitForPort(nginxPort);
      for (const [device, status] of [
        [good, '200'],
        [bad, '400'],
      ] as const) {
        const cert = writeTemp(`nginx-client-${status}.pem`, device.certificatePem);
        const key = writeTemp(`nginx-client-${status}.key`, device.key.export({ format: 'pem', type: 'pkcs8' }));
        const answer = await run('curl', [
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '--cacert',
          join(dir, 'chain.pem'),
          '--cert',
          cert,
          '--key',
          key,
          `https://localhost:${nginxPort}/`,
        ]);
        expect(answer).toBe(status);
      }
      expect(readFileSync(join(dir, 'nginx-error.log'), 'utf8')).toMatch(/certificate revoked/);
    } finally {
      nginx.kill();
    }
  });
});

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
}

async function waitForPort(target: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(target, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${target}`);
}
