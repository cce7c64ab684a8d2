import { loadConfig } from '../../config/app-config';
import { ecSpki, refusingTokenReferences, rsaSpki } from './pkcs11-key-store';
import { formatPkcs11Uri, isPkcs11Uri, parsePkcs11Uri } from './pkcs11-uri';
import { generateKeyPairSync } from 'node:crypto';

describe('the issuing key reference (RFC 7512 PKCS#11 URI)', () => {
  it('round-trips token, label and a binary id', () => {
    const reference = { token: 'Enroll CA;prod', object: 'enroll issuing/1', id: Buffer.from('00ff2541', 'hex') };
    const uri = formatPkcs11Uri(reference);
    expect(uri).toBe('pkcs11:token=Enroll%20CA%3Bprod;object=enroll%20issuing%2F1;type=private;id=%00%ff%25%41');
    expect(isPkcs11Uri(uri)).toBe(true);
    expect(parsePkcs11Uri(uri)).toEqual(reference);
  });

  it('reads attributes in any order and ignores query attributes', () => {
    expect(parsePkcs11Uri('pkcs11:id=%01%02;token=t?pin-source=file:/x')).toEqual({
      token: 't',
      object: '',
      id: Buffer.from([1, 2]),
    });
  });

  it('refuses a reference without token or id', () => {
    expect(() => parsePkcs11Uri('pkcs11:object=x;id=%01')).toThrow(/token and an id/);
    expect(() => parsePkcs11Uri('pkcs11:token=t;id=')).toThrow(/empty id/);
    expect(() => parsePkcs11Uri('-----BEGIN ENCRYPTED PRIVATE KEY-----')).toThrow(/pkcs11:/);
  });
});

describe('the SPKI made from a token public key', () => {
  it('is the SPKI node makes for the same RSA key', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const modulus = Buffer.concat([Buffer.from([0]), Buffer.from(jwk.n ?? '', 'base64url')]);
    expect(rsaSpki(modulus, Buffer.from([1, 0, 1])).equals(publicKey.export({ format: 'der', type: 'spki' }))).toBe(
      true,
    );
  });

  it.each([
    ['P-256', '06082a8648ce3d030107', 32],
    ['P-384', '06052b81040022', 48],
  ] as const)(
    'is the SPKI node makes for the same %s key, from a wrapped or bare point',
    (namedCurve, params, size) => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve });
      const spki = publicKey.export({ format: 'der', type: 'spki' });
      const point = spki.subarray(spki.length - (1 + 2 * size));
      const wrapped = Buffer.concat([Buffer.from([0x04, point.length]), point]);
      expect(ecSpki(Buffer.from(params, 'hex'), wrapped).equals(spki)).toBe(true);
      expect(ecSpki(Buffer.from(params, 'hex'), point).equals(spki)).toBe(true);
      expect(() => ecSpki(Buffer.from('06052b81040023', 'hex'), wrapped)).toThrow(/not P-256 or P-384/);
      expect(() => ecSpki(Buffer.from(params, 'hex'), wrapped.subarray(0, 10))).toThrow(/uncompressed/);
    },
  );
});

describe('ENROLL_PKCS11_* configuration', () => {
  const module = '/usr/lib/softhsm/libsofthsm2.so';

  it('is off unless ENROLL_PKCS11_MODULE is set', () => {
    expect(loadConfig({}).pkcs11).toBeUndefined();
    expect(loadConfig({ ENROLL_PKCS11_MODULE: '' }).pkcs11).toBeUndefined();
  });

  it('reads the token, PIN and key label, the label defaulting to enroll-issuing', () => {
    expect(
      loadConfig({
        ENROLL_PKCS11_MODULE: 'libsofthsm2.so',
        ENROLL_PKCS11_TOKEN_LABEL: 'enroll',
        ENROLL_PKCS11_PIN: '1234',
      }).pkcs11,
    ).toEqual({
      module: 'libsofthsm2.so',
      tokenLabel: 'enroll',
      slot: undefined,
      pin: '1234',
      keyLabel: 'enroll-issuing',
    });
    expect(
      loadConfig({
        ENROLL_PKCS11_MODULE: module,
        ENROLL_PKCS11_SLOT: '0x10',
        ENROLL_PKCS11_PIN: '1',
        ENROLL_PKCS11_KEY_LABEL: 'k',
      }).pkcs11,
    ).toMatchObject({ slot: 16, tokenLabel: undefined, keyLabel: 'k' });
  });

  it('fails fast on what is missing or wrong', () => {
    expect(() => loadConfig({ ENROLL_PKCS11_MODULE: '/nonexistent/libx.so' })).toThrow(
      /ENROLL_PKCS11_MODULE names no file/,
    );
    expect(() => loadConfig({ ENROLL_PKCS11_MODULE: 'libx.so', ENROLL_PKCS11_PIN: '1' })).toThrow(
      /ENROLL_PKCS11_TOKEN_LABEL/,
    );
    expect(() => loadConfig({ ENROLL_PKCS11_MODULE: 'libx.so', ENROLL_PKCS11_TOKEN_LABEL: 't' })).toThrow(
      /ENROLL_PKCS11_PIN/,
    );
    expect(() =>
      loadConfig({ ENROLL_PKCS11_MODULE: 'libx.so', ENROLL_PKCS11_SLOT: 'one', ENROLL_PKCS11_PIN: '1' }),
    ).toThrow(/ENROLL_PKCS11_SLOT/);
  });
});

describe('the software key store with a token reference in the database', () => {
  it('says that ENROLL_PKCS11_MODULE is missing instead of failing to decrypt', async () => {
    const software = {
      description: 'software',
      createIssuingKey: jest.fn(),
      load: jest.fn(),
      strengthen: jest.fn(),
    };
    const store = refusingTokenReferences(software);
    await expect(store.load('pkcs11:token=t;id=%01')).rejects.toThrow(/ENROLL_PKCS11_MODULE is not set/);
    await expect(store.strengthen('pkcs11:token=t;id=%01')).resolves.toBeUndefined();
    expect(software.load).not.toHaveBeenCalled();
    expect(software.strengthen).not.toHaveBeenCalled();
  });
});
