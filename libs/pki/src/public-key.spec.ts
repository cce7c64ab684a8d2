import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalSpki, checkPublicKey, importPublicKey, isPkiError } from './index';
import { FIXTURES, fixture, openssl, scratch } from '../test/support';

const spkiOf = (keyFixture: string): Buffer =>
  createPublicKey(fixture(keyFixture)).export({ format: 'der', type: 'spki' });

describe('importPublicKey', () => {
  it.each(['rsa2048.key', 'rsa3072.key', 'rsa4096.key', 'p256.key', 'p384.key', 'ed25519.key'])(
    'imports %s to exactly the key OpenSSL decodes',
    (name) => {
      const spki = spkiOf(name);
      const fast = importPublicKey(spki);
      expect(fast.export({ format: 'der', type: 'spki' }).equals(spki)).toBe(true);
      expect(fast.asymmetricKeyDetails).toEqual(
        createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyDetails,
      );
    },
  );

  it('refuses an EC point that is not on the curve', () => {
    const spki = Buffer.from(spkiOf('p256.key'));
    spki[spki.length - 1] = (spki[spki.length - 1] ?? 0) ^ 0x01;
    let code = 'none';
    try {
      checkPublicKey(spki);
    } catch (error) {
      code = isPkiError(error) ? error.code : 'untyped';
    }
    expect(code).toBe('KEY_ALGORITHM_UNSUPPORTED');
  });

  it('refuses an RSA key with non-NULL parameters, which OpenSSL itself would take', () => {
    const spki = Buffer.from(spkiOf('rsa2048.key'));
    const nullAt = spki.indexOf(Buffer.from([0x05, 0x00]));
    spki[nullAt] = 0x04; // NULL -> empty OCTET STRING: same length, different parameters
    expect(() => checkPublicKey(spki)).toThrow(expect.objectContaining({ code: 'KEY_ALGORITHM_UNSUPPORTED' }));
  });
});

describe('canonicalSpki', () => {
  const work = scratch();
  afterAll(() => work.cleanup());
  /** The P-256 fixture's public key as openssl re-encodes it with the given options. */
  const reencoded = (...options: string[]): Buffer => {
    const out = work.path(`${options.join('')}.der`);
    expect(
      openssl(['ec', '-in', join(FIXTURES, 'p256.key'), '-pubout', '-outform', 'DER', '-out', out, ...options]).status,
    ).toBe(0);
    return readFileSync(out);
  };
  const plain = (): Buffer => spkiOf('p256.key');

  it.each([
    ['compressed', ['-conv_form', 'compressed']],
    ['hybrid', ['-conv_form', 'hybrid']],
    ['explicit curve parameters', ['-param_enc', 'explicit']],
    ['explicit parameters and a compressed point', ['-param_enc', 'explicit', '-conv_form', 'compressed']],
  ])('gives the same bytes for the key re-encoded by openssl: %s', (_form, options) => {
    const other = reencoded(...options);
    expect(other.equals(plain())).toBe(false);
    expect(canonicalSpki(other).equals(plain())).toBe(true);
  });

  it('leaves a canonical key as it is (uncompressed named-curve EC, RSA with NULL parameters)', () => {
    for (const name of ['p256.key', 'p384.key', 'rsa2048.key', 'rsa4096.key']) {
      expect(canonicalSpki(spkiOf(name)).equals(spkiOf(name))).toBe(true);
    }
  });

  it('is what openssl itself writes for the named-curve uncompressed form', () => {
    expect(
      canonicalSpki(reencoded('-conv_form', 'compressed')).equals(
        reencoded('-param_enc', 'named_curve', '-conv_form', 'uncompressed'),
      ),
    ).toBe(true);
  });

  it('refuses what is not a key', () => {
    expect(() => canonicalSpki(Buffer.from('3003020100', 'hex'))).toThrow(
      expect.objectContaining({ code: 'KEY_ALGORITHM_UNSUPPORTED' }),
    );
  });

  it('checkPublicKey refuses explicit parameters and hybrid points, and accepts a compressed point', () => {
    expect(() => checkPublicKey(reencoded('-param_enc', 'explicit'))).toThrow(
      expect.objectContaining({ code: 'KEY_ENCODING_UNSUPPORTED' }),
    );
    expect(() => checkPublicKey(reencoded('-conv_form', 'hybrid'))).toThrow(
      expect.objectContaining({ code: 'KEY_ENCODING_UNSUPPORTED' }),
    );
    const compressed = checkPublicKey(reencoded('-conv_form', 'compressed'));
    expect(compressed.info).toEqual({ algorithm: 'EC', curve: 'P-256' });
    expect(compressed.canonicalSpki.equals(plain())).toBe(true);
  });
});
