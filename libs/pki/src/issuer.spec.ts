import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  basicConstraintsExtension,
  checkRequestedUsages,
  isPkiError,
  issueCertificate,
  keyIdentifier,
  keyUsageExtension,
  nameToDer,
  OID,
  parseCsr,
  PROFILES,
  readCertificate,
  signCertificate,
  SoftwareSigner,
  subjectKeyIdentifierExtension,
  toRfc4514,
  toWindowsStyle,
  type PkiErrorCode,
  type ProfileName,
} from './index';
import { certPem, fixture, issueFor, NOW, openssl, opensslText, scratch, testCa, URLS } from '../test/support';

const work = scratch();
afterAll(() => work.cleanup());

async function verifyWithOpenssl(leafPem: string, purpose?: string): Promise<{ status: number; out: string }> {
  const ca = await testCa();
  const root = work.write('root.pem', certPem(ca.root.der));
  const untrusted = work.write('issuing.pem', certPem(ca.issuing.der));
  const leaf = work.write(`leaf-${Math.random()}.pem`, leafPem);
  const args = [
    'verify',
    '-x509_strict',
    '-attime',
    String(Math.floor(NOW.getTime() / 1000)),
    '-CAfile',
    root,
    '-untrusted',
    untrusted,
  ];
  const result = openssl([...args, ...(purpose ? ['-purpose', purpose] : []), leaf]);
  return { status: result.status, out: result.stdout + result.stderr };
}

describe('issueCertificate', () => {
  it.each<[ProfileName, string, string, Record<string, string>]>([
    ['workstation', 'rsa2048.csr', 'sslclient', { commonName: 'A1B2C3D4E5F60718293A4B5C' }],
    ['workstation', 'p256.csr', 'sslclient', { commonName: 'A1B2C3D4E5F60718293A4B5C' }],
    ['server', 'rsa3072.csr', 'sslclient', {}],
    ['external', 'rsa4096.csr', 'sslserver', {}],
    ['external', 'p384.csr', 'sslserver', {}],
    ['mobile', 'p256.csr', 'sslclient', { commonName: 'IMEI-356938035643809' }],
    ['manager', 'rsa2048.csr', 'sslclient', { commonName: 'jdupont', email: 'jdupont@example.org' }],
  ])('%s from %s verifies with openssl -x509_strict for %s', async (profile, csr, purpose, input) => {
    const ca = await testCa();
    const issued = await issueFor(ca, csr, profile, input);
    const verified = await verifyWithOpenssl(certPem(issued.der), purpose);
    expect(verified.out).toMatch(/: OK/);
    expect(verified.status).toBe(0);
    const x509 = new X509Certificate(issued.der);
    expect(x509.checkIssued(ca.issuing.x509)).toBe(true);
    expect(x509.verify(ca.issuing.x509.publicKey)).toBe(true);
    expect(x509.serialNumber.replace(/^0+/, '')).toBe(issued.serialNumber.replace(/^0+/, ''));
  });

  it('puts the profile extensions in, with CRL and OCSP locations', async () => {
    const issued = await issueFor(await testCa(), 'rsa2048.csr', 'server');
    const text = opensslText(certPem(issued.der));
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment, Data Encipherment/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
    expect(text).toMatch(/X509v3 Subject Alternative Name:\s+DNS:api.example.org\n/);
    expect(text).toContain(`URI:${URLS.crl}`);
    expect(text).toContain(`OCSP - URI:${URLS.ocsp}`);
    expect(text).toContain(`CA Issuers - URI:${URLS.caIssuers}`);
    expect(text).toMatch(/X509v3 Subject Key Identifier/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(
      /Subject: C = FR, ST = Ile-de-France, L = Paris, O = J1CFRA, OU = Server, CN = api.example.org/,
    );
  });

  it('gives EC keys no encipherment usages (RFC 8813)', async () => {
    const text = opensslText(certPem((await issueFor(await testCa(), 'p256.csr', 'server')).der));
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Agreement\n/);
  });

  it('copies nothing from a hostile CSR', async () => {
    const issued = await issueFor(await testCa(), 'hostile.csr', 'server');
    const text = opensslText(certPem(issued.der));
    expect(text).toMatch(/CA:FALSE/);
    expect(text).not.toMatch(/CA:TRUE/);
    expect(text).not.toMatch(/Certificate Sign|CRL Sign/);
    expect(text).not.toMatch(/Any Extended Key Usage|Code Signing/);
    expect(text).not.toMatch(/example\.com|bank\.example|evil@/);
    expect(text).not.toMatch(/Name Constraints/);
    const ca = await testCa();
    const bogusCa = openssl([
      'verify',
      '-CAfile',
      work.write('r.pem', certPem(ca.root.der)),
      '-untrusted',
      work.write('i.pem', certPem(ca.issuing.der) + certPem(issued.der)),
      work.write('fake.pem', certPem(ca.issuing.der)),
    ]);
    expect(bogusCa.status).toBe(0);
  });

  it('uses a fresh random positive 128-bit serial every time', async () => {
    const ca = await testCa();
    const serials = await Promise.all(
      Array.from({ length: 20 }, () => issueFor(ca, 'p256.csr', 'server').then((c) => c.serialNumber)),
    );
    expect(new Set(serials).size).toBe(20);
    for (const serial of serials) {
      expect(serial.length).toBeGreaterThanOrEqual(28);
      const text = opensslText(certPem((await issueFor(ca, 'p256.csr', 'server')).der));
      expect(text).not.toMatch(/Serial Number: \(Negative\)/);
    }
  });

  it('takes validity from the profile, backdated 5 minutes, never past the CA', async () => {
    const issued = await issueFor(await testCa(), 'p256.csr', 'server');
    expect(issued.notBefore.toISOString()).toBe('2026-11-24T11:55:00.000Z');
    expect((issued.notAfter.getTime() - NOW.getTime()) / 86_400_000).toBe(PROFILES.server.validityDays);
  });

  it("never backdates before the CA's own notBefore: a CA made this second issues at once, within its validity", async () => {
    const signer = new SoftwareSigner(createPrivateKey(fixture('p256.key')));
    const name = nameToDer([{ oid: OID.commonName, value: 'Fresh CA' }]);
    const caDer = await signCertificate(
      {
        serial: Buffer.from('0102030405060708090a', 'hex'),
        issuerName: name,
        subjectName: name,
        notBefore: NOW,
        notAfter: new Date(NOW.getTime() + 365 * 86_400_000),
        spki: signer.spki,
        extensions: [
          basicConstraintsExtension(true, 0),
          keyUsageExtension(['keyCertSign', 'cRLSign']),
          subjectKeyIdentifierExtension(keyIdentifier(signer.spki)),
        ],
      },
      signer,
      {},
    );
    const ca = readCertificate(caDer);
    const authority = {
      certificate: ca.x509,
      publicKey: ca.x509.publicKey,
      subjectName: ca.subjectName,
      keyId: ca.keyId,
      signer,
    };
    const csr = parseCsr(fixture('p256.csr'));
    const issued = await issueCertificate({
      profile: PROFILES.server,
      input: { commonName: 'api.example.org' },
      subjectKey: csr,
      authority,
      urls: URLS,
      now: NOW,
    });
    expect(issued.notBefore.toISOString()).toBe(NOW.toISOString());
  });

  it('names the subject in RFC 4514 and Windows style', async () => {
    const issued = await issueFor(await testCa(), 'p256.csr', 'server', { email: 'ops@example.org' });
    const rfc = openssl(['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], certPem(issued.der)).stdout.trim();
    expect(
      rfc
        .replace(/^subject=/, '')
        .replace('emailAddress=ops@example.org', '1.2.840.113549.1.9.1=#160f6f7073406578616d706c652e6f7267'),
    ).toBe(toRfc4514(issued.subject));
    expect(toWindowsStyle(issued.subject)).toBe(
      'E=ops@example.org, CN=api.example.org, OU=Server, O=J1CFRA, L=Paris, S=Ile-de-France, C=FR',
    );
  });

  it.each<[ProfileName, string, PkiErrorCode]>([
    ['server', 'not a dns name', 'SUBJECT_INVALID'],
    ['server', '*.example.org', 'SUBJECT_INVALID'],
    ['workstation', 'a1b2c3d4', 'SUBJECT_INVALID'],
    ['external', 'localhost', 'SUBJECT_INVALID'],
    ['server', '127.0.0.1', 'SUBJECT_INVALID'],
    ['external', '10.0.0.1', 'SUBJECT_INVALID'],
    ['server', '10.1', 'SUBJECT_INVALID'],
    ['server', '::1', 'SUBJECT_INVALID'],
    ['external', '2001:db8::1', 'SUBJECT_INVALID'],
    ['server', 'host.123', 'SUBJECT_INVALID'],
  ])('refuses a %s common name %j', async (profile, commonName, code) => {
    const error: unknown = await issueFor(await testCa(), 'p256.csr', profile, { commonName }).catch((e: unknown) => e);
    expect(isPkiError(error) && error.code).toBe(code);
  });

  it.each(['a@b.example,CN=admin', 'a b@example.org', '"a"@example.org', 'a@b@example.org'])(
    'refuses a manager e-mail %j that is not one address',
    async (email) => {
      await expect(issueFor(await testCa(), 'p256.csr', 'manager', { commonName: 'jdupont', email })).rejects.toThrow(
        expect.objectContaining({
          code: 'SUBJECT_INVALID',
          message: expect.stringContaining('emailAddress must be one e-mail address'),
        }),
      );
    },
  );

  it('says that an IP address is not a DNS name', async () => {
    await expect(issueFor(await testCa(), 'p256.csr', 'server', { commonName: '127.0.0.1' })).rejects.toThrow(
      /must be a DNS name, not an IP address: "127.0.0.1"/,
    );
  });

  it('certifies a compressed EC point in its canonical, uncompressed form, which openssl and node read as the same key', async () => {
    const ca = await testCa();
    const issued = await issueFor(ca, 'p256-compressed.csr', 'server');
    const sent = parseCsr(fixture('p256-compressed.csr'));
    expect(issued.spki.equals(sent.canonicalSpki)).toBe(true);
    const x509 = new X509Certificate(issued.der);
    expect(x509.publicKey.export({ format: 'der', type: 'spki' }).equals(sent.canonicalSpki)).toBe(true);
    expect(x509.publicKey.equals(sent.key)).toBe(true);
    expect(opensslText(certPem(issued.der))).toMatch(/pub:\s+04:/);
    expect((await verifyWithOpenssl(certPem(issued.der), 'sslclient')).status).toBe(0);
  });
});

describe('checkRequestedUsages (external)', () => {
  it('accepts an openssl CSR asking for exactly the external usages, RSA and EC', () => {
    expect(() => checkRequestedUsages(PROFILES.external, parseCsr(fixture('external-ok.csr')))).not.toThrow();
    expect(() => checkRequestedUsages(PROFILES.external, parseCsr(fixture('external-ec-ok.csr')))).not.toThrow();
  });

  it('refuses one without serverAuth, naming the expected values', () => {
    expect(() => checkRequestedUsages(PROFILES.external, parseCsr(fixture('external-no-eku.csr')))).toThrow(
      expect.objectContaining({
        code: 'EKU_MISMATCH',
        message: expect.stringContaining('serverAuth (it asks for clientAuth)'),
      }),
    );
  });

  it('refuses one without key usages, naming them', () => {
    expect(() => checkRequestedUsages(PROFILES.external, parseCsr(fixture('rsa2048.csr')))).toThrow(
      expect.objectContaining({
        code: 'KEY_USAGE_MISMATCH',
        message: expect.stringContaining('dataEncipherment, digitalSignature, keyEncipherment'),
      }),
    );
  });

  it('refuses one that asks for more', () => {
    expect(() => checkRequestedUsages(PROFILES.external, parseCsr(fixture('hostile.csr')))).toThrow(
      expect.objectContaining({ code: 'KEY_USAGE_MISMATCH' }),
    );
  });
});
