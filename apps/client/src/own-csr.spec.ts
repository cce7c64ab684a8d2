import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { generatePrivateKey, parseCsr, type KeyAlgorithm } from '@enroll/pki';
import { UsageError } from './errors';
import { keyAlgorithmFor, keyMatches, makeOwnCsr, ownSubject, privateKeyToPem, type OwnSubjectInput } from './own-csr';
import { openssl } from './test-support/harness';

const input: OwnSubjectInput = {
  kind: 'workstation',
  commonName: '0123456789ABCDEF0123456789ABCDEF',
  organizationCode: 'J1CFRA',
  country: 'FR',
  state: 'Ile-de-France',
  locality: 'Paris',
  email: 'alice@laposte.example',
};

describe('the CSR the client makes', () => {
  it.each<[KeyAlgorithm, RegExp]>([
    ['RSA-2048', /Digital Signature, Key Encipherment, Data Encipherment/],
    ['EC-P256', /Digital Signature, Key Agreement/],
  ])(
    'with a %s key is verified by openssl, with the subject and usages of the profile',
    async (algorithm, keyUsage) => {
      const privateKey = await generatePrivateKey(algorithm);
      const pem = makeOwnCsr(privateKey, ownSubject(input), 'workstation');

      const result = openssl(['req', '-noout', '-verify', '-text', '-nameopt', 'RFC2253'], pem);
      expect(result.status).toBe(0);
      expect(result.stderr + result.stdout).toMatch(/verify OK/i);
      expect(result.stdout).toContain(
        'Subject: emailAddress=alice@laposte.example,CN=0123456789ABCDEF0123456789ABCDEF,OU=Workstation,O=J1CFRA,L=Paris,ST=Ile-de-France,C=FR',
      );
      expect(result.stdout).toMatch(keyUsage);
      expect(result.stdout).toMatch(/TLS Web Client Authentication/);
      expect(result.stdout).toMatch(algorithm === 'EC-P256' ? /NIST CURVE: P-256/ : /Public-Key: \(2048 bit\)/);
      expect(result.stdout).not.toMatch(/PRIVATE KEY/);
    },
  );

  it('is refused by openssl once tampered with', async () => {
    const pem = makeOwnCsr(await generatePrivateKey('EC-P256'), ownSubject(input), 'workstation');
    const der = parseCsr(pem).der;
    const at = der.indexOf(Buffer.from('Paris'));
    der.write('Lyon!', at, 'latin1');
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const result = openssl(['req', '-noout', '-verify'], tampered);
    expect(result.stdout + result.stderr).not.toMatch(/verify OK/i);
  });

  it('names a server by the DNS name typed, with OU Server', async () => {
    const pem = makeOwnCsr(
      await generatePrivateKey('EC-P256'),
      ownSubject({ ...input, kind: 'server', commonName: 'api.laposte.example' }),
      'server',
    );
    expect(openssl(['req', '-noout', '-subject', '-nameopt', 'RFC2253'], pem).stdout).toContain(
      'CN=api.laposte.example,OU=Server,O=J1CFRA',
    );
  });

  it('refuses bad input as a usage error naming the field', async () => {
    expect(() => ownSubject({ ...input, kind: 'server', commonName: 'not a dns name' })).toThrow(
      /fully qualified DNS name/,
    );
    expect(() => ownSubject({ ...input, commonName: 'lowercase-not-hex' })).toThrow(UsageError);
    expect(() => ownSubject({ ...input, email: 'nobody' })).toThrow(/--email/);
    const key = await generatePrivateKey('EC-P256');
    expect(() => makeOwnCsr(key, ownSubject({ ...input, locality: 'x'.repeat(129) }), 'workstation')).toThrow(
      /Subject L is longer than 128/,
    );
  });
});

describe('keyAlgorithmFor', () => {
  it('maps --key-type and --key-length, RSA 2048 by default', () => {
    expect(keyAlgorithmFor('rsa', undefined)).toBe('RSA-2048');
    expect(keyAlgorithmFor('rsa', '4096')).toBe('RSA-4096');
    expect(keyAlgorithmFor('ec', undefined)).toBe('EC-P256');
    expect(keyAlgorithmFor('ec', '384')).toBe('EC-P384');
    expect(() => keyAlgorithmFor('rsa', '1024')).toThrow(/2048, 3072 or 4096/);
    expect(() => keyAlgorithmFor('ec', '2048')).toThrow(/256 \(P-256\) or 384/);
    expect(() => keyAlgorithmFor('dsa', undefined)).toThrow(UsageError);
  });
});

describe('keyMatches', () => {
  it('tells the key of a public key from another key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const pem = privateKeyToPem(privateKey);
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    expect(keyMatches(pem, spki)).toBe(true);
    expect(keyMatches(privateKeyToPem(other), spki)).toBe(false);
    expect(keyMatches('garbage', spki)).toBe(false);
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('ec');
  });
});
