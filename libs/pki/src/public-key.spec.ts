import { createPublicKey } from 'node:crypto';
import { checkPublicKey, importPublicKey, isPkiError } from './index';
import { fixture } from '../test/support';

const spkiOf = (keyFixture: string): Buffer => createPublicKey(fixture(keyFixture)).export({ format: 'der', type: 'spki' });

describe('importPublicKey', () => {
  it.each(['rsa2048.key', 'rsa3072.key', 'rsa4096.key', 'p256.key', 'p384.key', 'ed25519.key'])('imports %s to exactly the key OpenSSL decodes', (name) => {
    const spki = spkiOf(name);
    const fast = importPublicKey(spki);
    expect(fast.export({ format: 'der', type: 'spki' }).equals(spki)).toBe(true);
    expect(fast.asymmetricKeyDetails).toEqual(createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyDetails);
  });

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
