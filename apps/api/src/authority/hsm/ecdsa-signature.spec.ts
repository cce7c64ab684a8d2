import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { ecdsaRawToDer } from './ecdsa-signature';

const hex = (value: string): Buffer => Buffer.from(value.replace(/\s/g, ''), 'hex');

describe('ECDSA r||s (CKM_ECDSA) to DER', () => {
  it('encodes each half as a minimal positive INTEGER', () => {
    const r = `${'00'.repeat(31)}01`;
    const s = `80${'00'.repeat(31)}`;
    expect(ecdsaRawToDer(hex(r + s)).toString('hex')).toBe(
      `3026 020101 022100 80${'00'.repeat(31)}`.replace(/\s/g, ''),
    );
  });

  it('drops leading zeros but keeps the 0x00 a high bit needs', () => {
    const r = `000080${'11'.repeat(29)}`;
    const s = `007f${'22'.repeat(30)}`;
    expect(ecdsaRawToDer(hex(r + s)).toString('hex')).toBe(
      `3042 021f 0080${'11'.repeat(29)} 021f 7f${'22'.repeat(30)}`.replace(/\s/g, ''),
    );
  });

  it('encodes zero as one byte', () => {
    expect(ecdsaRawToDer(Buffer.alloc(64)).toString('hex')).toBe('3006020100020100');
  });

  it('refuses an odd or empty input', () => {
    expect(() => ecdsaRawToDer(Buffer.alloc(63))).toThrow(/even/);
    expect(() => ecdsaRawToDer(Buffer.alloc(0))).toThrow(/even/);
  });

  it.each([
    ['P-256', 'sha256'],
    ['P-384', 'sha384'],
  ] as const)('gives signatures that OpenSSL verifies as DER (%s, 200 of them)', (namedCurve, hash) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    for (let i = 0; i < 200; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaRawToDer(raw);
      // OpenSSL re-encodes the parsed signature and refuses any difference: a pass means canonical DER.
      expect(verify(hash, data, publicKey, der)).toBe(true);
      expect(der[1]).toBe(der.length - 2);
    }
  });
});
