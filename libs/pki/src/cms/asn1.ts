import forge from 'node-forge';
import { type Asn1, Class, Type, asn1, children, encode, fromBinary, tagOf, toBinary, valueBytes } from '../der';

/**
 * Reading CMS from real clients. Unlike certificates and CSRs (strict DER, see der.ts), a CMS
 * message may come in BER: OpenSSL-based clients can send indefinite lengths and constructed
 * OCTET STRINGs. forge's lenient reader takes both; the signed attributes, the one part a
 * signature covers, are re-encoded from the parsed tree, which is their DER form (RFC 5652 5.4
 * requires them in DER, so a sender that signed anything else fails the check, as it should).
 */
interface FromDerOptions {
  readonly strict?: boolean;
  readonly parseAllBytes?: boolean;
  readonly decodeBitStrings?: boolean;
}
const forgeFromDer = asn1.fromDer as unknown as (bytes: string, options: FromDerOptions) => Asn1;

/** Largest CMS message read: a PKCSReq with a 4096-bit key and its certificate is under 8 KiB. */
export const MAX_CMS_BYTES = 64 * 1024;

/** SCEP's failInfo values (RFC 8894 3.2.1.4.5): every refusal of the message layer carries one. */
export type FailInfo = 'badAlg' | 'badMessageCheck' | 'badRequest' | 'badTime' | 'badCertId';

/**
 * A CMS message the layer cannot take: malformed, unsupported, or failing a check. The protocol
 * adapters map it to their own failure answer (SCEP failInfo, EST 400), never to a 5xx.
 */
export class CmsError extends Error {
  override readonly name = 'CmsError';

  constructor(
    message: string,
    readonly failInfo: FailInfo = 'badMessageCheck',
  ) {
    super(message);
  }
}

export const isCmsError = (value: unknown): value is CmsError => value instanceof CmsError;

export const cmsError = (message: string, failInfo: FailInfo = 'badMessageCheck'): CmsError =>
  new CmsError(message, failInfo);

export function parseBer(bytes: Uint8Array, what: string): Asn1 {
  if (bytes.length === 0 || bytes.length > MAX_CMS_BYTES) {
    throw cmsError(`${what} is empty or larger than ${MAX_CMS_BYTES} bytes.`);
  }
  try {
    return forgeFromDer(toBinary(bytes), { strict: false, parseAllBytes: true, decodeBitStrings: false });
  } catch (error) {
    throw cmsError(`${what} is not valid BER/DER: ${(error as Error).message}`);
  }
}

/** Asserts a node's universal type (or context tag) and returns its children. */
export function expectSequence(n: Asn1 | undefined, what: string): Asn1[] {
  if (!n || n.tagClass !== Class.UNIVERSAL || n.type !== Type.SEQUENCE || !Array.isArray(n.value)) {
    throw cmsError(`${what}: a SEQUENCE was expected.`);
  }
  return n.value;
}

export function expectSet(n: Asn1 | undefined, what: string): Asn1[] {
  if (!n || n.tagClass !== Class.UNIVERSAL || n.type !== Type.SET || !Array.isArray(n.value)) {
    throw cmsError(`${what}: a SET was expected.`);
  }
  return n.value;
}

export const isContext = (n: Asn1 | undefined, tag: number): n is Asn1 =>
  n !== undefined && n.tagClass === Class.CONTEXT_SPECIFIC && tagOf(n) === tag;

export function expectOid(n: Asn1 | undefined, what: string): string {
  if (!n || n.tagClass !== Class.UNIVERSAL || n.type !== Type.OID || typeof n.value !== 'string') {
    throw cmsError(`${what}: an OBJECT IDENTIFIER was expected.`);
  }
  return asn1.derToOid(n.value);
}

/**
 * The bytes of an OCTET STRING (or of an IMPLICIT-tagged one), primitive or constructed: BER
 * lets a sender cut it into chunks, which are concatenated here.
 */
export function octetBytes(n: Asn1 | undefined, what: string): Buffer {
  if (!n) {
    throw cmsError(`${what}: an OCTET STRING was expected.`);
  }
  if (!n.constructed && typeof n.value === 'string') {
    return fromBinary(n.value);
  }
  if (Array.isArray(n.value)) {
    return Buffer.concat(n.value.map((c) => octetBytes(c, what)));
  }
  throw cmsError(`${what}: an OCTET STRING was expected.`);
}

/** A string attribute value as text (PrintableString, UTF8String, IA5String...). */
export function stringValue(n: Asn1 | undefined, what: string): string {
  if (!n || n.tagClass !== Class.UNIVERSAL || typeof n.value !== 'string') {
    throw cmsError(`${what}: a string was expected.`);
  }
  return n.type === Type.UTF8 ? forge.util.decodeUtf8(n.value) : n.value;
}

/** The DER of a parsed node (a certificate or a name, to hand over or compare). */
export const der = (n: Asn1): Buffer => encode(n);

export const printable = (text: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, text);

/** The issuer name (DER) and serial number (content octets) of a certificate: what IssuerAndSerialNumber names. */
export function issuerAndSerialOf(certificate: Uint8Array): { issuer: Buffer; serial: Buffer } {
  const parsed = parseBer(certificate, 'The certificate');
  const tbs = children(parsed)[0];
  const fields = children(tbs);
  const offset = isContext(fields[0], 0) ? 1 : 0;
  const serial = fields[offset];
  const issuer = fields[offset + 2];
  if (!serial || !issuer) {
    throw cmsError('The certificate has no issuer or serial number.');
  }
  return { issuer: der(issuer), serial: valueBytes(serial) };
}

/** Whether an IssuerAndSerialNumber node names this certificate. */
export function namesCertificate(issuerAndSerial: Asn1, certificate: Uint8Array): boolean {
  const [issuer, serial] = children(issuerAndSerial);
  if (!issuer || !serial || typeof serial.value !== 'string') {
    return false;
  }
  const mine = issuerAndSerialOf(certificate);
  return der(issuer).equals(mine.issuer) && valueBytes(serial).equals(mine.serial);
}
