import { createHash, X509Certificate } from 'node:crypto';
import type { ClientConfig, ClientConfigTrust, Wire } from '@enroll/contract';
import { startTestApp, type TestApp } from './support/test-app';
import { orgCode, signInAdmin, type Session } from './support/factories';

/**
 * The package file's trust anchor (issue 13): `caFingerprint` is the SHA-256 of the root that
 * `GET /pki/ca.pem` ends with, so that the client can refuse any other chain it is served.
 */
let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
});
afterAll(async () => {
  await t.close();
});

it('names the root CA of /pki/ca.pem by its SHA-256, and not the issuing CA', async () => {
  const code = orgCode();
  await t
    .http()
    .post('/api/v1/organizations')
    .set(...admin.auth)
    .send({ code, name: `Organization ${code}`, country: 'FR' })
    .expect(201);
  const created = await t
    .http()
    .post('/api/v1/packages')
    .set(...admin.auth)
    .send({ organizationCode: code, environment: 'Production', store: 'machine', kinds: ['workstation'] })
    .expect(201);
  const file = (created.body as { clientConfig: Wire<ClientConfig & ClientConfigTrust> }).clientConfig;
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
