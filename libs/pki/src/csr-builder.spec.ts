import { createPrivateKey } from 'node:crypto';
import {
  buildCsr,
  generatePrivateKey,
  keyUsageExtension,
  extendedKeyUsageExtension,
  parseCsr,
  OID,
  type KeyAlgorithm,
} from './index';
import { fixture, openssl } from '../test/support';

describe('buildCsr', () => {
  it.each<KeyAlgorithm>(['RSA-2048', 'EC-P256', 'EC-P384'])(
    'makes a %s request that openssl verifies and parses',
    async (algorithm) => {
      const privateKey = await generatePrivateKey(algorithm);
      const pem = buildCsr({
        privateKey,
        subject: [
          { oid: OID.countryName, value: 'FR' },
          { oid: OID.organizationName, value: 'J1CFRA' },
          { oid: OID.commonName, value: 'A1B2C3D4E5F6' },
        ],
      });
      const result = openssl(['req', '-noout', '-verify', '-subject', '-nameopt', 'RFC2253'], pem);
      expect(result.stderr + result.stdout).toMatch(/verify OK/i);
      expect(result.stdout).toContain('subject=CN=A1B2C3D4E5F6,O=J1CFRA,C=FR');
      expect(parseCsr(pem).subject).toHaveLength(3);
    },
  );

  it('requests the extensions it is given, readable by openssl', () => {
    const pem = buildCsr({
      privateKey: createPrivateKey(fixture('rsa2048.key')),
      subject: [{ oid: OID.commonName, value: 'api.example.org' }],
      extensions: [
        keyUsageExtension(['digitalSignature', 'keyEncipherment', 'dataEncipherment']),
        extendedKeyUsageExtension([OID.serverAuth]),
      ],
    });
    const text = openssl(['req', '-noout', '-text'], pem).stdout;
    expect(text).toMatch(/Digital Signature, Key Encipherment, Data Encipherment/);
    expect(text).toMatch(/TLS Web Server Authentication/);
  });
});
