import { X509Certificate, type KeyObject } from 'node:crypto';
import { PkiError } from './errors';
import {
  explicit,
  encode,
  raw,
  seq,
  smallInteger,
  time,
  tlv,
  unsignedInteger,
  oid,
  nullValue,
  Type,
  type Asn1,
} from './der';
import { extensionToAsn1, type Extension } from './extensions';
import type { Signer } from './signer';
import { assertCertificateLint, type LintOptions } from './lint';

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
  // Written as bytes around the TBS: wrapping it as a node would parse it all again.
  tlv(
    Type.SEQUENCE | 0x20,
    tbsDer,
    algorithmIdentifierDer(algorithmOid),
    tlv(Type.BITSTRING, Buffer.from([0]), signature),
  );

const algorithmIdentifiers = new Map<string, Buffer>();
function algorithmIdentifierDer(algorithmOid: string): Buffer {
  let der = algorithmIdentifiers.get(algorithmOid);
  if (!der) {
    der = encode(signatureAlgorithmIdentifier(algorithmOid));
    algorithmIdentifiers.set(algorithmOid, der);
  }
  return der;
}

/** Signs a to-be-signed structure with the signer and wraps it (see `signedStructure`). */
export async function signStructure(tbs: Asn1, signer: Signer): Promise<Buffer> {
  const tbsDer = encode(tbs);
  return signedStructure(tbsDer, signer.algorithmOid, await signer.sign(tbsDer));
}

/** Encodes the TBSCertificate (v3) of a template, with the SPKI inserted as given, for a signature algorithm. */
export function tbsCertificate(template: CertificateTemplate, algorithmOid: string): Buffer {
  if (template.notAfter.getTime() <= template.notBefore.getTime()) {
    throw new PkiError('PROFILE_INPUT_INVALID', 'The validity period is empty.');
  }
  return encode(
    seq([
      explicit(0, smallInteger(2)),
      unsignedInteger(template.serial),
      signatureAlgorithmIdentifier(algorithmOid),
      raw(template.issuerName),
      seq([time(template.notBefore), time(template.notAfter)]),
      raw(template.subjectName),
      raw(template.spki),
      explicit(3, seq(template.extensions.map(extensionToAsn1))),
    ]),
  );
}

/** The certificate a TBS will become, with an empty signature: what the linter reads before anything is signed. */
export const unsignedCertificate = (tbsDer: Buffer, algorithmOid: string): Buffer =>
  signedStructure(tbsDer, algorithmOid, Buffer.alloc(0));

/**
 * Builds the TBSCertificate (v3) with the SPKI inserted as given, and signs it. With `lint`, the
 * to-be-signed certificate is linted first (lint.ts) and nothing is signed when it breaks a rule
 * (CERTIFICATE_LINT_FAILED): `{}` for a self-signed root, `{ issuer }` for a subordinate CA,
 * `{ issuer, profile }` for an end entity.
 */
export async function signCertificate(
  template: CertificateTemplate,
  signer: Signer,
  lint?: LintOptions,
): Promise<Buffer> {
  const tbs = tbsCertificate(template, signer.algorithmOid);
  if (lint) {
    assertCertificateLint(unsignedCertificate(tbs, signer.algorithmOid), lint);
  }
  return signedStructure(tbs, signer.algorithmOid, await signer.sign(tbs));
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
    throw new PkiError(
      'ISSUANCE_SELF_CHECK_FAILED',
      `The issued certificate does not parse: ${(error as Error).message}`,
    );
  }
  const sameSecond = (a: string, b: Date): boolean =>
    Math.floor(Date.parse(a) / 1000) === Math.floor(b.getTime() / 1000);
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
