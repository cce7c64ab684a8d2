import { verify } from 'node:crypto';
import { PkiError } from './errors';
import { OID } from './oids';
import { children, encode, parseStrictDer, readOid, readSmallInteger, bitStringBytes, Class, Type, tagOf } from './der';
import { readName, type DistinguishedName } from './name';
import { checkPublicKey, type PublicKeyInfo } from './public-key';
import { SIGNATURE_ALGORITHMS } from './signature-algorithm';
import { readRequestedExtensions, type RequestedExtensions } from './extensions';
import { decodeSinglePem } from './pem';
import type { KeyObject } from 'node:crypto';

/** A CSR that passed every check: read-only, and holding nothing the CA would copy blindly. */
export interface ParsedCsr {
  readonly der: Buffer;
  readonly subject: DistinguishedName;
  readonly publicKey: PublicKeyInfo;
  /** The SubjectPublicKeyInfo exactly as the requester sent it (what the request's signature covers). */
  readonly spki: Buffer;
  /**
   * The same key in its one canonical encoding (`canonicalSpki`): what the certificate carries, and
   * what key comparisons (key compromise, renewal with the same key) must hash.
   */
  readonly canonicalSpki: Buffer;
  readonly key: KeyObject;
  readonly signatureAlgorithm: string;
  readonly requestedExtensions: RequestedExtensions;
}

export interface ParseCsrOptions {
  /** Largest accepted input in bytes. Default 64 KiB: real CSRs are under 4 KiB. */
  readonly maxBytes?: number;
}

/** Default size cap for CSR input. */
export const DEFAULT_CSR_MAX_BYTES = 64 * 1024;

function toDer(input: string | Uint8Array): Buffer {
  if (typeof input === 'string') {
    return decodeSinglePem(
      input,
      ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'],
      'CSR_MALFORMED',
      'certificate request',
    );
  }
  const bytes = Buffer.from(input);
  // A byte array that starts like text is PEM; DER always starts with SEQUENCE (0x30).
  return bytes[0] === 0x30 ? bytes : toDer(bytes.toString('latin1'));
}

/**
 * Reads and checks a PKCS #10 request (RFC 2986): PEM (exactly one block) or DER, strict DER,
 * signature verified with node:crypto over the original CertificationRequestInfo bytes, key
 * rules applied, subject checked. Every refusal is a PkiError with a stable code.
 */
export function parseCsr(input: string | Uint8Array, options: ParseCsrOptions = {}): ParsedCsr {
  const maxBytes = options.maxBytes ?? DEFAULT_CSR_MAX_BYTES;
  if (input.length > maxBytes) {
    throw new PkiError('CSR_TOO_LARGE', `The certificate request is larger than ${maxBytes} bytes.`, { maxBytes });
  }
  const der = toDer(input);
  const root = parseStrictDer(der, 'CSR_MALFORMED', 'The certificate request');
  const [info, algorithm, signature] = children(root);
  const [version, subjectNode, spkiNode, attributes] = children(info);
  if (
    children(root).length !== 3 ||
    !info ||
    !algorithm ||
    !signature ||
    signature.type !== Type.BITSTRING ||
    !version ||
    version.type !== Type.INTEGER ||
    !subjectNode ||
    !spkiNode ||
    !attributes ||
    attributes.tagClass !== Class.CONTEXT_SPECIFIC ||
    tagOf(attributes) !== 0 ||
    children(info).length !== 4
  ) {
    throw new PkiError('CSR_MALFORMED', 'The certificate request does not have the PKCS #10 structure.');
  }
  if (readSmallInteger(version, 'CSR_MALFORMED', 'The request version') !== 0) {
    throw new PkiError('CSR_MALFORMED', 'Only version 1 (0) certificate requests exist.');
  }
  const signatureAlgorithm = readOid(children(algorithm)[0]) ?? '';
  const scheme = SIGNATURE_ALGORITHMS[signatureAlgorithm];
  if (!scheme) {
    throw new PkiError(
      'SIGNATURE_ALGORITHM_UNSUPPORTED',
      `The request is signed with ${signatureAlgorithm || 'an unknown algorithm'}; use SHA-256, SHA-384 or SHA-512 with RSA PKCS #1 v1.5 or ECDSA.`,
    );
  }
  const spki = encode(spkiNode);
  const checked = checkPublicKey(spki);
  if (checked.info.algorithm !== scheme.keyAlgorithm) {
    throw new PkiError('CSR_SIGNATURE_INVALID', 'The signature algorithm does not match the public key.');
  }
  let valid = false;
  try {
    valid = verify(scheme.hash, encode(info), checked.key, bitStringBytes(signature));
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new PkiError('CSR_SIGNATURE_INVALID', 'The request is not signed by the private key of its own public key.');
  }
  return {
    der,
    subject: readName(subjectNode),
    publicKey: checked.info,
    spki,
    canonicalSpki: checked.canonicalSpki,
    key: checked.key,
    signatureAlgorithm,
    requestedExtensions: readAttributes(children(attributes)),
  };
}

function readAttributes(attributes: ReturnType<typeof children>): RequestedExtensions {
  let requested: RequestedExtensions = { oids: [] };
  for (const attribute of attributes) {
    const [typeNode, values] = children(attribute);
    const type = readOid(typeNode);
    // challengePassword and other attributes are ignored and never exposed.
    if (type === OID.extensionRequest) {
      const extensions = children(values)[0];
      if (!extensions || children(values).length !== 1) {
        throw new PkiError(
          'EXTENSION_INVALID',
          'The extensionRequest attribute must hold exactly one Extensions value.',
        );
      }
      requested = readRequestedExtensions(extensions);
    }
  }
  return requested;
}
