import { OID } from './oids';
import type { PublicKeyInfo } from './public-key';

export type HashName = 'sha256' | 'sha384' | 'sha512';

interface SignatureAlgorithm {
  readonly keyAlgorithm: 'RSA' | 'EC';
  readonly hash: HashName;
}

/** Signature algorithms accepted on CSRs and used for issuance (no SHA-1, no MD5). */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithm>> = {
  [OID.sha256WithRSAEncryption]: { keyAlgorithm: 'RSA', hash: 'sha256' },
  [OID.sha384WithRSAEncryption]: { keyAlgorithm: 'RSA', hash: 'sha384' },
  [OID.sha512WithRSAEncryption]: { keyAlgorithm: 'RSA', hash: 'sha512' },
  [OID.ecdsaWithSHA256]: { keyAlgorithm: 'EC', hash: 'sha256' },
  [OID.ecdsaWithSHA384]: { keyAlgorithm: 'EC', hash: 'sha384' },
  [OID.ecdsaWithSHA512]: { keyAlgorithm: 'EC', hash: 'sha512' },
};

/** The algorithm a key of this kind signs with: SHA-384 for P-384, SHA-256 otherwise. */
export function signatureAlgorithmFor(key: PublicKeyInfo): { oid: string; hash: HashName } {
  if (key.algorithm === 'EC') {
    return key.curve === 'P-384'
      ? { oid: OID.ecdsaWithSHA384, hash: 'sha384' }
      : { oid: OID.ecdsaWithSHA256, hash: 'sha256' };
  }
  return { oid: OID.sha256WithRSAEncryption, hash: 'sha256' };
}
