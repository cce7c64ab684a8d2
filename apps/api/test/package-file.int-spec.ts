import { createHash, X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ClientConfig, ClientConfigTrust, Wire } from '@enroll/contract';
import { startMtlsServer } from '../src/mtls/mtls-server';
import { startTestApp, type TestApp } from './support/test-app';
import { testConfig } from './support/test-config';
import { makeCsr, orgCode, signInAdmin, type Session } from './support/factories';

/**
 * The package file's trust anchor (issue 13): `caFingerprint` is the SHA-256 of the root that
 * `GET /pki/ca.pem` ends with, so that the client can refuse any other chain it is served; and
 * its URLs are https, so that the token never crosses the network in the clear.
 */
let t: TestApp;
let admin: Session;
let tls: Server;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  tls = await startMtlsServer(t.app, testConfig(), 0);
});
afterAll(async () => {
  await new Promise((resolve) => tls.close(resolve));
  await t.close();
});

type PackageFile = Wire<ClientConfig & ClientConfigTrust>;

async function packageFile(app: TestApp, session: Session): Promise<PackageFile> {
  const code = orgCode();
  await app
    .http()
    .post('/api/v1/organizations')
    .set(...session.auth)
    .send({ code, name: `Organization ${code}`, country: 'FR' })
    .expect(201);
  const created = await app
    .http()
    .post('/api/v1/packages')
    .set(...session.auth)
    .send({ organizationCode: code, environment: 'Production', store: 'machine', kinds: ['workstation'] })
    .expect(201);
  return (created.body as { clientConfig: PackageFile }).clientConfig;
}

/** One HTTPS call to the TLS port with no client certificate, trusting `ca` only. */
function overTls(
  path: string,
  ca: string | undefined,
  options: { method?: string; token?: string; body?: object } = {},
): Promise<{ status: number; body: string }> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `https://127.0.0.1:${(tls.address() as AddressInfo).port}${path}`,
      {
        method: options.method ?? 'GET',
        ...(ca === undefined ? {} : { ca }),
        rejectUnauthorized: true,
        agent: false,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

it('names the root CA of /pki/ca.pem by its SHA-256, and not the issuing CA', async () => {
  const file = await packageFile(t, admin);
  const chain = (await t.http().get('/pki/ca.pem').expect(200)).text;
  const certificates = (chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => new X509Certificate(pem),
  );
  const sha256 = certificates.map((c) => createHash('sha256').update(c.raw).digest('hex').toUpperCase());
  expect(certificates).toHaveLength(2);
  expect(certificates[1]?.subject).toBe(certificates[1]?.issuer);
  expect(file.caFingerprint).toBe(sha256[1]);
  expect(file.caFingerprint).not.toBe(sha256[0]);
});

it('sends the client to the TLS port for requests and the CA chain when the public URL is http', async () => {
  const file = await packageFile(t, admin);
  const port = testConfig().mtlsPort;
  expect(file.urls).toEqual({
    api: 'http://127.0.0.1:3000',
    request: `https://127.0.0.1:${port}/api/v1/enrollment/requests`,
    revoke: `https://127.0.0.1:${port}/api/v1/enrollment/revoke`,
    test: `https://127.0.0.1:${port}/api/v1/enrollment/test`,
    renew: `https://127.0.0.1:${port}/api/v1/enrollment/renew`,
    caChain: `https://127.0.0.1:${port}/pki/ca.pem`,
  });

  // The TLS port serves both without a client certificate, under a certificate of the CA that
  // the package's fingerprint names: the chain fetched there is the only trust a client needs.
  const chain = (await t.http().get('/pki/ca.pem').expect(200)).text;
  const served = await overTls('/pki/ca.pem', chain);
  expect(served).toEqual({ status: 200, body: chain });
  const submitted = await overTls('/api/v1/enrollment/requests', chain, {
    method: 'POST',
    token: file.token,
    body: {
      kind: 'workstation',
      csr: await makeCsr({ cn: 'A1B2C3D4E5F6', kind: 'workstation' }),
      requestedBy: 'WS\\alice',
    },
  });
  expect(submitted.status).toBe(201);
  expect(JSON.parse(submitted.body)).toMatchObject({ status: 'Pending', kind: 'workstation' });
  // With the system's trust only, the handshake fails: the chain is what makes it trusted.
  await expect(overTls('/pki/ca.pem', undefined)).rejects.toThrow(/certificate/i);
});

it('keeps an https public URL (a proxy with its own certificate) for requests and the CA chain', async () => {
  const proxied = await startTestApp({ env: { ENROLL_PUBLIC_URL: 'https://enroll.example.org' } });
  try {
    const file = await packageFile(proxied, await signInAdmin(proxied));
    expect(file.urls.request).toBe('https://enroll.example.org/api/v1/enrollment/requests');
    expect(file.urls.caChain).toBe('https://enroll.example.org/pki/ca.pem');
    expect(file.urls.revoke).toBe(`https://enroll.example.org:${testConfig().mtlsPort}/api/v1/enrollment/revoke`);
  } finally {
    await proxied.close();
  }
});
