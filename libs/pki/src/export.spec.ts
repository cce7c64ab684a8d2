import { createPrivateKey, createPublicKey } from 'node:crypto';
import { certificatesToPem, certificatesToPkcs7, toPkcs12 } from './index';
import { fixture, issueFor, openssl, scratch, testCa } from '../test/support';

const work = scratch();
afterAll(() => work.cleanup());

describe('exports', () => {
  it('writes a certs-only PKCS #7 that openssl lists in full', async () => {
    const ca = await testCa();
    const leaf = await issueFor(ca, 'p256.csr', 'server');
    const p7b = certificatesToPkcs7([leaf.der, ca.issuing.der, ca.root.der]);
    const listed = openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], p7b);
    expect(listed.status).toBe(0);
    expect(listed.stdout.match(/^subject=/gm)).toHaveLength(3);
    expect(listed.stdout).toContain('CN = api.example.org');
  });

  it('writes PEM blocks in order, leaf first', async () => {
    const ca = await testCa();
    const leaf = await issueFor(ca, 'p256.csr', 'server');
    const pem = certificatesToPem([leaf.der, ca.issuing.der]);
    const first = openssl(['x509', '-noout', '-subject'], pem).stdout;
    expect(first).toContain('CN = api.example.org');
    expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it.each([
    ['rsa2048.key', 'rsa2048.csr'],
    ['p256.key', 'p256.csr'],
  ])('writes a PKCS #12 with %s that openssl opens with the password only', async (keyName, csrName) => {
    const ca = await testCa();
    const leaf = await issueFor(ca, csrName, 'manager', { commonName: 'jdupont', email: 'jdupont@example.org' });
    const privateKey = createPrivateKey(fixture(keyName));
    const p12 = toPkcs12({
      privateKey,
      certificates: [leaf.der, ca.issuing.der, ca.root.der],
      password: 'Pa55 w0rd!',
      friendlyName: 'jdupont',
    });
    const file = work.write(`${keyName}.p12`, p12);
    const info = openssl(['pkcs12', '-info', '-in', file, '-passin', 'pass:Pa55 w0rd!', '-noenc']);
    expect(info.stderr).toMatch(/MAC: sha256/);
    expect(info.stderr).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
    expect(info.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(info.stdout).toMatch(/friendlyName: jdupont/);
    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(info.stdout)?.[0] ?? '';
    expect(
      createPublicKey(keyPem)
        .export({ format: 'der', type: 'spki' })
        .equals(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })),
    ).toBe(true);
    const wrong = openssl(['pkcs12', '-info', '-in', file, '-passin', 'pass:wrong', '-noenc']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/Mac verify error/);
  });
});
