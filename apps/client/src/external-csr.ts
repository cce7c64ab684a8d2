import {
  checkRequestedUsages,
  ekuName,
  isPkiError,
  nameValue,
  OID,
  parseCsr,
  PROFILES,
  SIGNATURE_ALGORITHMS,
  toRfc4514,
  toWindowsStyle,
  type GeneralName,
  type ParsedCsr,
  type PublicKeyInfo,
} from '@enroll/pki';
import { OperationError } from './errors';

/** What the client shows of a CSR made elsewhere, before it sends it. */
export interface ExternalCsrView {
  readonly commonName: string;
  readonly subject: string;
  readonly subjectRfc4514: string;
  readonly publicKey: string;
  readonly signatureAlgorithm: string;
  readonly keyUsage: readonly string[];
  readonly extendedKeyUsage: readonly string[];
  readonly subjectAltNames: readonly string[];
}

const describePublicKey = (key: PublicKeyInfo): string =>
  key.algorithm === 'RSA' ? `RSA ${key.size} bits` : `EC ${key.curve}`;

const describeAltName = (name: GeneralName): string =>
  name.type === 'other' ? `other name [${name.tag}]` : `${name.type.toUpperCase()}:${name.value}`;

/** Reads a CSR with the CA library's own strict parser; a refusal names the library's code. */
export function readExternalCsr(text: string, source: string): ParsedCsr {
  try {
    return parseCsr(text);
  } catch (error) {
    if (isPkiError(error)) {
      throw new OperationError(error.code, `${source} cannot be sent: ${error.message}`);
    }
    throw error;
  }
}

export function viewExternalCsr(csr: ParsedCsr): ExternalCsrView {
  const scheme = SIGNATURE_ALGORITHMS[csr.signatureAlgorithm];
  return {
    commonName: nameValue(csr.subject, OID.commonName) ?? '',
    subject: toWindowsStyle(csr.subject),
    subjectRfc4514: toRfc4514(csr.subject),
    publicKey: describePublicKey(csr.publicKey),
    signatureAlgorithm: scheme
      ? `${scheme.hash.toUpperCase()} with ${scheme.keyAlgorithm === 'RSA' ? 'RSA' : 'ECDSA'}`
      : csr.signatureAlgorithm,
    keyUsage: csr.requestedExtensions.keyUsage ?? [],
    extendedKeyUsage: (csr.requestedExtensions.extendedKeyUsage ?? []).map(ekuName),
    subjectAltNames: (csr.requestedExtensions.subjectAltNames ?? []).map(describeAltName),
  };
}

/**
 * The checks the CA makes on an external request, made here first so that a wrong CSR is caught
 * before it is sent: the common name is a DNS name, and the CSR asks for exactly the external
 * profile's key usages (for EC keys digitalSignature + keyAgreement, RFC 8813) and serverAuth.
 * Refusals name the expected values.
 */
export function checkExternalCsr(csr: ParsedCsr): void {
  const profile = PROFILES.external;
  try {
    profile.checkCommonName(nameValue(csr.subject, OID.commonName) ?? '');
    checkRequestedUsages(profile, csr);
  } catch (error) {
    if (isPkiError(error)) {
      throw new OperationError(error.code, `The request was not sent: ${error.message}`);
    }
    throw error;
  }
}
