import { X509Certificate, type KeyObject } from 'node:crypto';
import { PkiError } from './errors';
import { explicit, encode, raw, seq, smallInteger, time, unsignedInteger, bitString, oid, nullValue, type Asn1 } from './der';
import { extensionToAsn1, type Extension } from './extensions';
import type { Signer } from './signer';

export interface CertificateTemplate {
  readonly serial: Buffer;
  /** DER of the issuer's subject Name, copied byte for byte so that chains match exactly. */
  readonly issuerName: Buffer;
  readonly subjectName: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Buffer;
  readonly extensions: readonly Extension[];
}

/** AlgorithmIdentifier for a signature: RSA PKCS #1 v1.5 carries NULL parameters, ECDSA none (RFC 5758). */
export function signatureAlgorithmIdentifier(algorithmOid: string): Asn1 {
  const isRsa = algorithmOid.startsWith('1.2.840.113549.1.1.');
  return seq(isRsa ? [oid(algorithmOid), nullValue()] : [oid(algorithmOid)]);
}

/**
 * { tbs, algorithm, signature } around the exact TBS bytes that were signed (X.509 and PKCS #10;
 * the OCSP BasicOCSPResponse adds its certificates to the same shape, the CRL writes it as bytes).
 */
export const signedStructure = (tbsDer: Buffer, algorithmOid: string, signature: Buffer): Buffer =>
  encode(seq([raw(tbsDer), signatureAlgorithmIdentifier(algorithmOid), bitString(signature)]));

/** Signs a to-be-signed structure with the signer and wraps it (see `signedStructure`). */
export async function signStructure(tbs: Asn1, signer: Signer): Promise<Buffer> {
  const tbsDer = encode(tbs);
  return signedStructure(tbsDer, signer.algorithmOid, await signer.sign(tbsDer));
}

/** Builds the TBSCertificate (v3) with the SPKI inserted as it came, and signs it. */
export function signCertificate(template: CertificateTemplate, signer: Signer): Promise<Buffer> {
  if (template.notAfter.getTime() <= template.notBefore.getTime()) {
    throw new PkiError('PROFILE_INPUT_INVALID', 'The validity period is empty.');
  }
  const tbs = seq([
    explicit(0, smallInteger(2)),
    unsignedInteger(template.serial),
    signatureAlgorithmIdentifier(signer.algorithmOid),
    raw(template.issuerName),
    seq([time(template.notBefore), time(template.notAfter)]),
    raw(template.subjectName),
    raw(template.spki),
    explicit(3, seq(template.extensions.map(extensionToAsn1))),
  ]);
  return signStructure(tbs, signer);
}

/**
 * Parses the result back with node:crypto (an implementation independent of the builder) and
 * checks the signature, the issuer link and the validity, so that a defect never leaves the CA.
 */
export function selfCheck(
  der: Buffer,
  issuer: { readonly certificate: X509Certificate; readonly publicKey: KeyObject } | undefined,
  expected: { notBefore: Date; notAfter: Date },
): X509Certificate {
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(der);
  } catch (error) {
    throw new PkiError('ISSUANCE_SELF_CHECK_FAILED', `The issued certificate does not parse: ${(error as Error).message}`);
  }
  const sameSecond = (a: string, b: Date): boolean => Math.floor(Date.parse(a) / 1000) === Math.floor(b.getTime() / 1000);
  if (
    !parsed.verify(issuer?.publicKey ?? parsed.publicKey) ||
    (issuer !== undefined && !parsed.checkIssued(issuer.certificate)) ||
    !sameSecond(parsed.validFrom, expected.notBefore) ||
    !sameSecond(parsed.validTo, expected.notAfter)
  ) {
    throw new PkiError('ISSUANCE_SELF_CHECK_FAILED', 'The issued certificate failed its own verification.');
  }
  return parsed;
}

