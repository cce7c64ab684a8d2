import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { PkiError } from './errors';
import { OID } from './oids';
import { bitStringBytes, children, encode, fromBinary, fromDer, readOid, toBinary, Type, type Asn1 } from './der';

/** A subject public key after the key rules: RSA 2048/3072/4096 with e=65537, or EC P-256/P-384. */
export type PublicKeyInfo =
  | { readonly algorithm: 'RSA'; readonly size: 2048 | 3072 | 4096 }
  | { readonly algorithm: 'EC'; readonly curve: 'P-256' | 'P-384' };

/** A checked public key: its description, the SPKI bytes exactly as received and canonical, and node's key object. */
export interface CheckedPublicKey {
  readonly info: PublicKeyInfo;
  readonly spki: Buffer;
  /** The one encoding of this key (see `canonicalSpki`): what certificates carry and key comparisons hash. */
  readonly canonicalSpki: Buffer;
  readonly key: KeyObject;
}

const RSA_SIZES = [2048, 3072, 4096] as const;
const CURVES: Readonly<Record<string, 'P-256' | 'P-384'>> = { prime256v1: 'P-256', secp384r1: 'P-384' };

/**
 * Applies the key rules to a DER SubjectPublicKeyInfo and refuses anything else with a typed error.
 * EC keys must name their curve and may send their point uncompressed or compressed; explicit curve
 * parameters (RFC 5480 2.1.1 forbids them: OpenSSL then refuses the certificate, Java cannot read
 * it) and hybrid points are refused with KEY_ENCODING_UNSUPPORTED.
 */
export function checkPublicKey(spki: Buffer): CheckedPublicKey {
  const jwk = spkiToJwk(spki);
  if (!jwk) {
    checkEcEncoding(spki);
  }
  let key: KeyObject;
  try {
    key = importWith(spki, jwk);
  } catch {
    throw new PkiError(
      'KEY_ALGORITHM_UNSUPPORTED',
      'The public key cannot be read. Use RSA (2048, 3072 or 4096 bits) or EC P-256/P-384.',
    );
  }
  if (!jwk && key.asymmetricKeyType === 'rsa') {
    // OpenSSL tolerates other parameters; RFC 3279 2.3.1 says NULL, and we sign what we were sent.
    throw new PkiError(
      'KEY_ALGORITHM_UNSUPPORTED',
      'RSA public keys must be rsaEncryption with NULL parameters (RFC 3279).',
    );
  }
  const info = describeKey(key);
  // A key imported from its JWK form exports canonically; any other goes through that form first.
  const canonical = jwk ? key.export({ format: 'der', type: 'spki' }) : canonicalOf(key);
  return { info, spki, canonicalSpki: canonical, key };
}

/** Refuses the EC encodings that name the same key in a way relying parties cannot read. */
function checkEcEncoding(spki: Buffer): void {
  let parameters: Asn1 | undefined;
  let point: Buffer | undefined;
  try {
    const [algorithm, keyBits] = children(fromDer(toBinary(spki)));
    if (readOid(children(algorithm)[0]) !== OID.ecPublicKey) {
      return;
    }
    parameters = children(algorithm)[1];
    point = keyBits?.type === Type.BITSTRING ? bitStringBytes(keyBits) : undefined;
  } catch {
    return; // unreadable: the importer refuses it with KEY_ALGORITHM_UNSUPPORTED
  }
  if (readOid(parameters) === undefined) {
    throw new PkiError(
      'KEY_ENCODING_UNSUPPORTED',
      'The EC public key spells out its curve parameters instead of naming the curve: re-encode it with the named curve (openssl ec -param_enc named_curve), as RFC 5480 requires.',
    );
  }
  if (point?.[0] === 0x06 || point?.[0] === 0x07) {
    throw new PkiError(
      'KEY_ENCODING_UNSUPPORTED',
      'The EC public key uses the hybrid point encoding: send the point uncompressed (openssl ec -conv_form uncompressed).',
    );
  }
}

function canonicalOf(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
    return key.export({ format: 'der', type: 'spki' });
  }
  return createPublicKey({ key: key.export({ format: 'jwk' }), format: 'jwk' }).export({ format: 'der', type: 'spki' });
}

/**
 * The one canonical DER encoding of a public key, for comparing keys whatever their encoding: EC
 * as an uncompressed point on its named curve (compressed and hybrid points and explicit curve
 * parameters are converted), RSA as modulus and exponent under rsaEncryption with NULL
 * parameters; other key types as OpenSSL exports them. It applies no key rule (checkPublicKey does)
 * and refuses only what cannot be read as a key, with KEY_ALGORITHM_UNSUPPORTED.
 */
export function canonicalSpki(spki: Buffer): Buffer {
  const jwk = spkiToJwk(spki);
  try {
    return jwk
      ? createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'der', type: 'spki' })
      : canonicalOf(createPublicKey({ key: spki, format: 'der', type: 'spki' }));
  } catch {
    throw new PkiError('KEY_ALGORITHM_UNSUPPORTED', 'The public key cannot be read.');
  }
}

/** Describes a node key object under the key rules, refusing what they do not allow. */
export function describeKey(key: KeyObject): PublicKeyInfo {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (bits < 2048) {
        throw new PkiError('KEY_TOO_WEAK', `RSA keys of ${bits} bits are too weak: use 2048, 3072 or 4096 bits.`, {
          bits,
        });
      }
      const size = RSA_SIZES.find((s) => s === bits);
      if (size === undefined) {
        throw new PkiError(
          'KEY_SIZE_UNSUPPORTED',
          `RSA keys of ${bits} bits are not accepted: use 2048, 3072 or 4096 bits.`,
          { bits },
        );
      }
      if (details.publicExponent !== 65537n) {
        throw new PkiError('KEY_EXPONENT_UNSUPPORTED', 'The RSA public exponent must be 65537.');
      }
      return { algorithm: 'RSA', size };
    }
    case 'ec': {
      const curve = CURVES[details.namedCurve ?? ''];
      if (!curve) {
        throw new PkiError(
          'CURVE_UNSUPPORTED',
          `The EC curve ${details.namedCurve ?? '(unnamed)'} is not accepted: use P-256 or P-384.`,
        );
      }
      return { algorithm: 'EC', curve };
    }
    default:
      throw new PkiError(
        'KEY_ALGORITHM_UNSUPPORTED',
        `${(key.asymmetricKeyType ?? 'This').toUpperCase()} keys are not accepted: use RSA (2048, 3072 or 4096 bits) or EC P-256/P-384.`,
      );
  }
}

const JWK_CURVES: Readonly<Record<string, { crv: string; size: number }>> = {
  [OID.prime256v1]: { crv: 'P-256', size: 32 },
  [OID.secp384r1]: { crv: 'P-384', size: 48 },
};

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** The JWK form of the common SPKI shapes, or undefined for anything unusual. */
function spkiToJwk(spki: Buffer): JsonWebKey | undefined {
  try {
    const [algorithm, keyBits] = children(fromDer(toBinary(spki)));
    const [algorithmOid, parameters] = children(algorithm);
    if (!keyBits || keyBits.type !== Type.BITSTRING || (keyBits.value as string).charCodeAt(0) !== 0) {
      return undefined;
    }
    const bits = bitStringBytes(keyBits);
    const oid = readOid(algorithmOid);
    if (oid === OID.rsaEncryption && parameters?.type === Type.NULL && children(algorithm).length === 2) {
      const rsaKey = fromDer(toBinary(bits));
      const [n, e] = children(rsaKey);
      // The RSAPublicKey must be canonical DER with a positive modulus.
      if (
        !n ||
        !e ||
        children(rsaKey).length !== 2 ||
        n.type !== Type.INTEGER ||
        e.type !== Type.INTEGER ||
        !encode(rsaKey).equals(bits)
      ) {
        return undefined;
      }
      const modulus = fromBinary(n.value as string);
      if (((modulus[0] ?? 0) & 0x80) !== 0) {
        return undefined;
      }
      return {
        kty: 'RSA',
        n: base64url(modulus[0] === 0 ? modulus.subarray(1) : modulus),
        e: base64url(fromBinary(e.value as string)),
      };
    }
    const curve = oid === OID.ecPublicKey ? JWK_CURVES[readOid(parameters) ?? ''] : undefined;
    if (curve && bits.length === 1 + 2 * curve.size && bits[0] === 0x04) {
      return {
        kty: 'EC',
        crv: curve.crv,
        x: base64url(bits.subarray(1, 1 + curve.size)),
        y: base64url(bits.subarray(1 + curve.size)),
      };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Imports a DER SubjectPublicKeyInfo. OpenSSL 3's decoder costs over 100 µs a key, so the common
 * shapes (RSA with NULL parameters, P-256/P-384 uncompressed points) go in as JWK, which node
 * builds directly and which still checks that an EC point lies on its curve; anything else takes
 * the decoder. Both paths read the same bytes that end up in the certificate.
 */
export const importPublicKey = (spki: Buffer): KeyObject => importWith(spki, spkiToJwk(spki));

const importWith = (spki: Buffer, jwk: JsonWebKey | undefined): KeyObject =>
  jwk ? createPublicKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: spki, format: 'der', type: 'spki' });
