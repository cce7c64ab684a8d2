import { createPrivateKey, createPublicKey } from 'node:crypto';
import { bool, Class, encode, node, octets, oid, raw, seq, set, smallInteger, Type, type Asn1 } from './der';
import {
  isPkiError,
  parseCsr,
  signCsrInfo,
  PkiError,
  decodeSinglePem,
  OID,
  nameValue,
  type PkiErrorCode,
} from './index';
import { fixture } from '../test/support';

const der = (name: string): Buffer => decodeSinglePem(fixture(name), ['CERTIFICATE REQUEST'], 'CSR_MALFORMED', 'csr');

function codeOf(fn: () => unknown): PkiErrorCode | 'no error' | 'untyped' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return isPkiError(error) ? error.code : 'untyped';
  }
}

describe('parseCsr accepts what openssl req makes', () => {
  it.each([
    ['rsa2048.csr', { algorithm: 'RSA', size: 2048 }],
    ['rsa3072.csr', { algorithm: 'RSA', size: 3072 }],
    ['rsa4096.csr', { algorithm: 'RSA', size: 4096 }],
    ['p256.csr', { algorithm: 'EC', curve: 'P-256' }],
    ['p384.csr', { algorithm: 'EC', curve: 'P-384' }],
  ])('%s', (name, key) => {
    const csr = parseCsr(fixture(name));
    expect(csr.publicKey).toEqual(key);
    expect(nameValue(csr.subject, OID.commonName)).toBe('api.example.org');
    expect(nameValue(csr.subject, OID.organizationName)).toBe('J1CFRA');
    expect(csr.subject.map((a) => a.oid)).toEqual([
      OID.countryName,
      OID.stateOrProvinceName,
      OID.localityName,
      OID.organizationName,
      OID.organizationalUnitName,
      OID.commonName,
    ]);
  });

  it.each([
    ['openssl req -text', 'rsa2048-text.csr', 'rsa2048.csr'],
    ['certtool --generate-request', 'p256-certtool.csr', 'p256.csr'],
  ])('reads the request that %s writes, with its text around the PEM block', (_tool, name, sameKey) => {
    expect(fixture(name)).toMatch(/^(Certificate Request:|PKCS #10 Certificate Request Information:)/);
    const csr = parseCsr(fixture(name));
    expect(nameValue(csr.subject, OID.commonName)).toBe('api.example.org');
    expect(csr.spki.equals(parseCsr(fixture(sameKey)).spki)).toBe(true);
    expect(parseCsr(`${fixture(name)}\nmore text after the block\n`).der.equals(csr.der)).toBe(true);
  });

  it('says plainly when the input holds no PEM block at all', () => {
    expect(() => parseCsr('Certificate Request:\n    Data: ...\n')).toThrow(
      /holds no PEM certificate request: expected a block starting with -----BEGIN CERTIFICATE REQUEST-----/,
    );
    expect(() => parseCsr(fixture('p256.key'))).toThrow(/holds a PEM PRIVATE KEY, not a certificate request/);
  });

  it('accepts a compressed EC point and gives the canonical (uncompressed) key beside the one sent', () => {
    const compressed = parseCsr(fixture('p256-compressed.csr'));
    const plain = parseCsr(fixture('p256.csr'));
    expect(compressed.publicKey).toEqual({ algorithm: 'EC', curve: 'P-256' });
    expect(compressed.spki.length).toBe(59);
    expect(compressed.canonicalSpki.equals(plain.spki)).toBe(true);
    expect(plain.canonicalSpki.equals(plain.spki)).toBe(true);
    expect(parseCsr(fixture('rsa2048.csr')).canonicalSpki.equals(parseCsr(fixture('rsa2048.csr')).spki)).toBe(true);
  });

  it('refuses explicit parameters and hybrid points with a message that says how to re-encode', () => {
    expect(() => parseCsr(fixture('p256-explicit.csr'))).toThrow(/name the curve|naming the curve/);
    expect(() => parseCsr(fixture('p256-hybrid.csr'))).toThrow(/hybrid point encoding/);
  });

  it('reads DER as well as PEM, with the same result', () => {
    const fromDer = parseCsr(der('p256.csr'));
    expect(fromDer.spki.equals(parseCsr(fixture('p256.csr')).spki)).toBe(true);
  });

  it('reads the requested extensions without trusting them', () => {
    const csr = parseCsr(fixture('hostile.csr'));
    expect(csr.requestedExtensions.basicConstraints).toEqual({ ca: true });
    expect(csr.requestedExtensions.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(csr.requestedExtensions.extendedKeyUsage).toContain(OID.anyExtendedKeyUsage);
    expect(csr.requestedExtensions.subjectAltNames).toContainEqual({ type: 'dns', value: '*.example.com' });
    expect(csr.requestedExtensions.oids).toContain('2.5.29.30');
  });

  it('ignores a challengePassword and never exposes it', () => {
    const csr = parseCsr(fixture('challenge.csr'));
    const shown = JSON.stringify({ ...csr, key: undefined, der: undefined });
    expect(shown).not.toContain('s3cret');
    expect(csr.requestedExtensions.oids).toEqual([]);
  });
});

describe('parseCsr refuses with a stable code', () => {
  const pem = fixture('rsa2048.csr');
  const tamper = (offsetFromEnd: number): Buffer => {
    const bytes = der('rsa2048.csr');
    const i = bytes.length - offsetFromEnd;
    bytes[i] = (bytes[i] ?? 0) ^ 0x01;
    return bytes;
  };

  it.each<[string, () => unknown, PkiErrorCode]>([
    ['Ed25519 key', () => parseCsr(fixture('ed25519.csr')), 'SIGNATURE_ALGORITHM_UNSUPPORTED'],
    ['RSA 1024', () => parseCsr(fixture('rsa1024.csr')), 'KEY_TOO_WEAK'],
    ['RSA exponent 3', () => parseCsr(fixture('rsa2048-e3.csr')), 'KEY_EXPONENT_UNSUPPORTED'],
    ['P-224', () => parseCsr(fixture('p224.csr')), 'CURVE_UNSUPPORTED'],
    ['SHA-1 signature', () => parseCsr(fixture('rsa2048-sha1.csr')), 'SIGNATURE_ALGORITHM_UNSUPPORTED'],
    ['tampered signature', () => parseCsr(tamper(5)), 'CSR_SIGNATURE_INVALID'],
    [
      'tampered subject',
      () => parseCsr(Buffer.from(der('rsa2048.csr').toString('latin1').replace('Paris', 'Parix'), 'latin1')),
      'CSR_SIGNATURE_INVALID',
    ],
    ['two PEM blocks', () => parseCsr(pem + fixture('p256.csr')), 'CSR_MULTIPLE_BLOCKS'],
    ['trailing bytes', () => parseCsr(Buffer.concat([der('rsa2048.csr'), Buffer.from([0, 0])])), 'CSR_MALFORMED'],
    ['a private key pasted before the request', () => parseCsr(fixture('p256.key') + pem), 'CSR_MULTIPLE_BLOCKS'],
    [
      'text with no PEM block',
      () => parseCsr('Certificate Request:\n    Data:\n        Version: 1 (0x0)\n'),
      'CSR_MALFORMED',
    ],
    ['a BEGIN line without its END line', () => parseCsr(pem.replace(/-----END[^\n]*\n/, '')), 'CSR_MALFORMED'],
    ['EC key with explicit curve parameters', () => parseCsr(fixture('p256-explicit.csr')), 'KEY_ENCODING_UNSUPPORTED'],
    ['EC key with a hybrid point', () => parseCsr(fixture('p256-hybrid.csr')), 'KEY_ENCODING_UNSUPPORTED'],
    ['a certificate instead', () => parseCsr(pem.replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE')), 'CSR_MALFORMED'],
    ['bad base64', () => parseCsr(pem.replace(/\n[A-Za-z]/, '\n!')), 'CSR_MALFORMED'],
    ['a 1 MB body', () => parseCsr('A'.repeat(1024 * 1024)), 'CSR_TOO_LARGE'],
    ['empty input', () => parseCsr(''), 'CSR_MALFORMED'],
    ['multi-valued RDN', () => parseCsr(fixture('multivalue.csr')), 'SUBJECT_INVALID'],
  ])('%s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  it('refuses BER: a non-minimal length encoding of the same request', () => {
    const bytes = der('p256.csr');
    // Outer SEQUENCE length rewritten in the long form with a leading zero byte: valid BER, invalid DER.
    const lengthBytes = (bytes[1] ?? 0) & 0x7f;
    const content = bytes.subarray(2 + lengthBytes);
    const ber = Buffer.concat([Buffer.from([0x30, 0x83, 0x00, content.length >> 8, content.length & 0xff]), content]);
    expect(codeOf(() => parseCsr(ber))).toBe('CSR_MALFORMED');
  });

  it.each([
    ['a CN over 64 characters', Type.UTF8, 'a'.repeat(65)],
    ['a control character', Type.UTF8, 'api\u0007.example.org'],
    ['a right-to-left override', Type.UTF8, 'api.example.org\u202egro'],
    ['a zero-width space', Type.UTF8, 'api\u200b.example.org'],
    ['a T61String value', 20, 'api.example.org'],
    ['a PrintableString with "@"', Type.PRINTABLESTRING, 'me@example.org'],
  ])('a correctly signed subject with %s', (_name, type, value) => {
    // openssl will not make these, so the request is built by hand and signed with a real key.
    const key = createPrivateKey(fixture('p256.key'));
    const cn = node(Class.UNIVERSAL, type, false, Buffer.from(value, 'utf8').toString('binary'));
    const info = seq([
      smallInteger(0),
      seq([set([seq([oid(OID.commonName), cn])])]),
      raw(createPublicKey(key).export({ format: 'der', type: 'spki' })),
      node(Class.CONTEXT_SPECIFIC, 0, true, []),
    ]);
    expect(codeOf(() => parseCsr(signCsrInfo(info, key)))).toBe('SUBJECT_INVALID');
  });

  it.each([
    [OID.localityName, Type.UTF8, 'Paris\u202e', /Subject L contains a bidirectional control character.*U\+202E/],
    [OID.stateOrProvinceName, Type.UTF8, 'Ile\u200d-de-France', /Subject ST contains a zero-width character.*U\+200D/],
    [OID.emailAddress, Type.IA5STRING, 'a@b.example,CN=admin', /Subject emailAddress must be one e-mail address/],
  ])('a correctly signed subject whose %s is %j, naming the attribute', (attribute, type, value, message) => {
    const key = createPrivateKey(fixture('p256.key'));
    const rdn = (o: string, v: Asn1): Asn1 => set([seq([oid(o), v])]);
    const subject = seq([
      rdn(OID.commonName, node(Class.UNIVERSAL, Type.UTF8, false, 'api.example.org')),
      rdn(attribute, node(Class.UNIVERSAL, type, false, Buffer.from(value, 'utf8').toString('binary'))),
    ]);
    const info = seq([
      smallInteger(0),
      subject,
      raw(createPublicKey(key).export({ format: 'der', type: 'spki' })),
      node(Class.CONTEXT_SPECIFIC, 0, true, []),
    ]);
    expect(() => parseCsr(signCsrInfo(info, key))).toThrow(
      expect.objectContaining({ code: 'SUBJECT_INVALID', message: expect.stringMatching(message) }),
    );
  });

  it('refuses integers too large to read (version, path length) with a code, not an untyped error', () => {
    // Found by the mutation test below: forge's integer reader throws a plain Error past 4 bytes.
    const key = createPrivateKey(fixture('p256.key'));
    const spki = raw(createPublicKey(key).export({ format: 'der', type: 'spki' }));
    const name = seq([set([seq([oid(OID.commonName), node(Class.UNIVERSAL, Type.UTF8, false, 'api.example.org')])])]);
    const hugeInteger = node(Class.UNIVERSAL, Type.INTEGER, false, '\x01\x00\x00\x00\x00');
    const hugeVersion = seq([hugeInteger, name, spki, node(Class.CONTEXT_SPECIFIC, 0, true, [])]);
    expect(codeOf(() => parseCsr(signCsrInfo(hugeVersion, key)))).toBe('CSR_MALFORMED');
    const constraints = seq([oid(OID.basicConstraints), octets(encode(seq([bool(true), hugeInteger])))]);
    const attributes = node(Class.CONTEXT_SPECIFIC, 0, true, [
      seq([oid(OID.extensionRequest), set([seq([constraints])])]),
    ]);
    const hugePathLength = seq([smallInteger(0), name, spki, attributes]);
    expect(codeOf(() => parseCsr(signCsrInfo(hugePathLength, key)))).toBe('EXTENSION_INVALID');
  });

  it('never throws anything untyped for random mutations of a valid request', () => {
    const original = der('p256.csr');
    const seen = new Set<string>();
    // A fixed seed: a failure here replays exactly (xorshift32).
    let state = 0x2545f491;
    const random = (): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    for (let i = 0; i < 20000; i++) {
      const mutated = Buffer.from(original);
      const flips = 1 + (i % 4);
      for (let f = 0; f < flips; f++) {
        mutated[random() % mutated.length] = random() & 0xff;
      }
      const cut = i % 7 === 0 ? mutated.subarray(0, mutated.length - (i % 50)) : mutated;
      const code = codeOf(() => parseCsr(cut));
      expect(code).not.toBe('untyped');
      seen.add(code);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('errors carry a message a person can act on', () => {
    try {
      parseCsr(fixture('rsa1024.csr'));
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(PkiError);
      expect((error as PkiError).message).toMatch(/2048, 3072 or 4096/);
    }
  });
});
