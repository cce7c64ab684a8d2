import { createPublicKey, type KeyObject } from 'node:crypto';
import { PkiError } from './errors';

/** A subject public key after the key rules: RSA 2048/3072/4096 with e=65537, or EC P-256/P-384. */
export type PublicKeyInfo =
  | { readonly algorithm: 'RSA'; readonly size: 2048 | 3072 | 4096 }
  | { readonly algorithm: 'EC'; readonly curve: 'P-256' | 'P-384' };

/** A checked public key: its description, the SPKI bytes exactly as received, and node's key object. */
export interface CheckedPublicKey {
  readonly info: PublicKeyInfo;
  readonly spki: Buffer;
  readonly key: KeyObject;
}

const RSA_SIZES = [2048, 3072, 4096] as const;
const CURVES: Readonly<Record<string, 'P-256' | 'P-384'>> = { prime256v1: 'P-256', secp384r1: 'P-384' };

/** Applies the key rules to a DER SubjectPublicKeyInfo and refuses anything else with a typed error. */
export function checkPublicKey(spki: Buffer): CheckedPublicKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new PkiError('KEY_ALGORITHM_UNSUPPORTED', 'The public key cannot be read. Use RSA (2048, 3072 or 4096 bits) or EC P-256/P-384.');
  }
  return { info: describeKey(key), spki, key };
}

/** Describes a node key object under the key rules, refusing what they do not allow. */
export function describeKey(key: KeyObject): PublicKeyInfo {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (bits < 2048) {
        throw new PkiError('KEY_TOO_WEAK', `RSA keys of ${bits} bits are too weak: use 2048, 3072 or 4096 bits.`, { bits });
      }
      const size = RSA_SIZES.find((s) => s === bits);
      if (size === undefined) {
        throw new PkiError('KEY_SIZE_UNSUPPORTED', `RSA keys of ${bits} bits are not accepted: use 2048, 3072 or 4096 bits.`, { bits });
      }
      if (details.publicExponent !== 65537n) {
        throw new PkiError('KEY_EXPONENT_UNSUPPORTED', 'The RSA public exponent must be 65537.');
      }
      return { algorithm: 'RSA', size };
    }
    case 'ec': {
      const curve = CURVES[details.namedCurve ?? ''];
      if (!curve) {
        throw new PkiError('CURVE_UNSUPPORTED', `The EC curve ${details.namedCurve ?? '(unnamed)'} is not accepted: use P-256 or P-384.`);
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
