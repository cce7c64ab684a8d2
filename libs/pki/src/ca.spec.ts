import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority, loadCertificateAuthority, isPkiError } from './index';
import { NOW, openssl, opensslText, PASSPHRASE, scratch } from '../test/support';

const work = scratch();
afterAll(() => work.cleanup());

describe('certificate authority bootstrap', () => {
  let stored: Awaited<ReturnType<typeof createCertificateAuthority>>;
  beforeAll(async () => {
    stored = await createCertificateAuthority({ passphrase: PASSPHRASE, now: NOW });
  }, 60_000);

  it('makes an RSA-3072 root and issuing CA by default that openssl accepts as a chain', () => {
    const root = work.write('root.pem', stored.root.certificatePem);
    const issuing = work.write('issuing.pem', stored.issuing.certificatePem);
    const result = openssl([
      'verify',
      '-x509_strict',
      '-attime',
      String(NOW.getTime() / 1000 + 60),
      '-CAfile',
      root,
      issuing,
    ]);
    expect(result.stdout).toMatch(/issuing.pem: OK/);
    const rootText = opensslText(stored.root.certificatePem);
    expect(rootText).toMatch(/Public-Key: \(3072 bit\)/);
    expect(rootText).toMatch(/Basic Constraints: critical\s+CA:TRUE\n/);
    expect(rootText).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(opensslText(stored.issuing.certificatePem)).toMatch(/CA:TRUE, pathlen:0/);
    expect(new X509Certificate(stored.root.certificatePem).ca).toBe(true);
  });

  it('stores both keys encrypted (PKCS #8, AES-256) that only the passphrase opens', () => {
    for (const pair of [stored.root, stored.issuing]) {
      expect(pair.encryptedKeyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      const keyFile = work.write('k.pem', pair.encryptedKeyPem);
      const parsed = openssl(['asn1parse', '-in', keyFile]).stdout;
      expect(parsed).toMatch(/PBES2/);
      expect(parsed).toMatch(/aes-256-cbc/);
      expect(openssl(['pkey', '-in', keyFile, '-passin', 'pass:wrong passphrase!', '-noout']).status).not.toBe(0);
      expect(openssl(['pkey', '-in', keyFile, '-passin', `pass:${PASSPHRASE}`, '-noout']).status).toBe(0);
    }
  });

  it('loads back, and refuses a wrong passphrase or a mismatched key with CA_KEY_INVALID', () => {
    const ca = loadCertificateAuthority(stored, PASSPHRASE);
    expect(ca.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(ca.chainPem.startsWith(stored.issuing.certificatePem)).toBe(true);
    const wrong: unknown = (() => {
      try {
        return loadCertificateAuthority(stored, 'not the passphrase');
      } catch (e) {
        return e;
      }
    })();
    expect(isPkiError(wrong) && wrong.code).toBe('CA_KEY_INVALID');
    const swapped = { root: stored.root, issuing: { ...stored.issuing, encryptedKeyPem: stored.root.encryptedKeyPem } };
    expect(() => loadCertificateAuthority(swapped, PASSPHRASE)).toThrow(
      expect.objectContaining({ code: 'CA_KEY_INVALID' }),
    );
  });

  it('refuses a short passphrase', async () => {
    await expect(createCertificateAuthority({ passphrase: 'short', now: NOW })).rejects.toMatchObject({
      code: 'CA_KEY_INVALID',
    });
  });

  it('offers EC P-384 with ecdsa-with-SHA384 signatures', async () => {
    const ec = await createCertificateAuthority({ passphrase: PASSPHRASE, now: NOW, keyAlgorithm: 'EC-P384' });
    const text = opensslText(ec.issuing.certificatePem);
    expect(text).toMatch(/NIST CURVE: P-384/);
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA384/);
    const result = openssl([
      'verify',
      '-x509_strict',
      '-CAfile',
      work.write('ecroot.pem', ec.root.certificatePem),
      work.write('ecissuing.pem', ec.issuing.certificatePem),
    ]);
    expect(result.status).toBe(0);
  });
});
