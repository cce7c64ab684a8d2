import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { PkiError, type PkiErrorCode } from './errors';

export type Asn1 = forge.asn1.Asn1;
const asn1 = forge.asn1;
const { Class, Type } = asn1;

interface FromDerOptions {
  readonly strict?: boolean;
  readonly parseAllBytes?: boolean;
  readonly decodeBitStrings?: boolean;
}
// forge accepts an options object here since 0.10; its type definitions still say boolean.
const forgeFromDer = asn1.fromDer as unknown as (bytes: string, options: FromDerOptions) => Asn1;

/** forge's DER parser, strict, with BIT STRINGs left as bytes (so signatures and keys stay intact). */
export const fromDer = (binary: string): Asn1 =>
  forgeFromDer(binary, { strict: true, parseAllBytes: true, decodeBitStrings: false });

/** forge works on "binary strings" (one char per byte); these convert at the boundary. */
export const toBinary = (bytes: Uint8Array): string => Buffer.from(bytes).toString('binary');
export const fromBinary = (binary: string): Buffer => Buffer.from(binary, 'binary');

/**
 * Parses DER strictly: no trailing bytes, and the input must re-encode to itself, which refuses
 * BER forms (indefinite lengths, non-minimal lengths, constructed strings) that a lax parser
 * would let through and that would make signatures ambiguous.
 */
export function parseStrictDer(der: Uint8Array, code: PkiErrorCode, what: string): Asn1 {
  let parsed: Asn1;
  try {
    parsed = fromDer(toBinary(der));
  } catch (error) {
    throw new PkiError(code, `${what} is not valid DER: ${(error as Error).message}`);
  }
  if (!fromBinary(asn1.toDer(parsed).getBytes()).equals(Buffer.from(der))) {
    throw new PkiError(code, `${what} is not in canonical DER (BER encodings are refused)`);
  }
  return parsed;
}

/** forge types tags as its UNIVERSAL enum; context-specific tags are plain numbers, cast here once. */
export const node = (tagClass: number, tag: number, constructed: boolean, value: string | Asn1[]): Asn1 =>
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- forge's enums cannot name context-specific tags
  asn1.create(tagClass, tag, constructed, value);

/** The tag number of a node, as a plain number (see `node`). */
export const tagOf = (n: Asn1): number => n.type;

export const encode = (n: Asn1): Buffer => fromBinary(asn1.toDer(n).getBytes());

export const seq = (items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
export const set = (items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SET, true, items);
export const oid = (dotted: string): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(dotted).getBytes());
export const nullValue = (): Asn1 => asn1.create(Class.UNIVERSAL, Type.NULL, false, '');
export const bool = (value: boolean): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, value ? '\xff' : '\x00');
export const octets = (bytes: Uint8Array): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, toBinary(bytes));
export const explicit = (tag: number, inner: Asn1): Asn1 => node(Class.CONTEXT_SPECIFIC, tag, true, [inner]);
export const implicitPrimitive = (tag: number, bytes: Uint8Array): Asn1 =>
  node(Class.CONTEXT_SPECIFIC, tag, false, toBinary(bytes));
/** Wraps pre-encoded DER (for example a SubjectPublicKeyInfo exactly as it came) without re-parsing its meaning. */
export const raw = (der: Uint8Array): Asn1 => fromDer(toBinary(der));

/**
 * A DER INTEGER read as a small non-negative number (a version, a path length). Anything longer
 * than 4 bytes or negative is refused with `code`: forge's reader would throw an untyped error.
 */
export function readSmallInteger(node: Asn1, code: PkiErrorCode, what: string): number {
  const bytes = Buffer.from(node.value as string, 'binary');
  const first = bytes[0];
  if (bytes.length === 0 || bytes.length > 4 || first === undefined || first >= 0x80) {
    throw new PkiError(code, `${what} is not a small non-negative integer.`);
  }
  return bytes.readUIntBE(0, bytes.length);
}

/**
 * The content octets of a DER INTEGER from unsigned big-endian bytes: leading zero bytes dropped
 * (DER is minimal), and a 0x00 put back in front when the top bit is set, so the value stays positive.
 */
function unsignedIntegerContent(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) {
    start++;
  }
  const trimmed = bytes.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : Buffer.from(trimmed);
}

/** A DER INTEGER from unsigned big-endian bytes (a serial, a CRL number). */
export const unsignedInteger = (bytes: Uint8Array): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.INTEGER, false, toBinary(unsignedIntegerContent(bytes)));

export const smallInteger = (value: number): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(value).getBytes());
export const enumerated = (value: number): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.ENUMERATED, false, asn1.integerToDer(value).getBytes());

/** BIT STRING with no unused bits (signatures, public keys). */
export const bitString = (bytes: Uint8Array): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, `\x00${toBinary(bytes)}`);

/** Named-bit BIT STRING in DER: trailing zero bits removed (X.690 11.2.2). */
export function namedBits(bits: readonly number[]): Asn1 {
  const highest = Math.max(...bits);
  const length = Math.floor(highest / 8) + 1;
  const bytes = Buffer.alloc(length);
  for (const bit of bits) {
    bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  }
  const unused = 7 - (highest % 8);
  return asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, String.fromCharCode(unused) + toBinary(bytes));
}

/** Reads a named-bit BIT STRING into the list of set bit positions. */
export function readNamedBits(named: Asn1): number[] {
  const value = named.value as string;
  const bits: number[] = [];
  for (let i = 1; i < value.length; i++) {
    const byte = value.charCodeAt(i);
    for (let b = 0; b < 8; b++) {
      if (byte & (0x80 >> b)) {
        bits.push((i - 1) * 8 + b);
      }
    }
  }
  return bits;
}

// forge would write fractional seconds for non-whole dates; DER for PKIX wants none.
const wholeSeconds = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

/**
 * RFC 5280 4.1.2.5 and 5.1.2.4 (certificates and CRLs): UTCTime through 2049, GeneralizedTime
 * from 2050, in whole seconds. Returns the tag and the text, for both writers below.
 */
function pkixTime(date: Date): [forge.asn1.Type, string] {
  const whole = wholeSeconds(date);
  return whole.getUTCFullYear() < 2050
    ? [Type.UTCTIME, asn1.dateToUtcTime(whole)]
    : [Type.GENERALIZEDTIME, asn1.dateToGeneralizedTime(whole)];
}

/** A certificate or CRL time (see `pkixTime`). */
export function time(date: Date): Asn1 {
  const [type, text] = pkixTime(date);
  return asn1.create(Class.UNIVERSAL, type, false, text);
}

/** GeneralizedTime in whole seconds, whatever the year (OCSP, RFC 6960, uses nothing else). */
export const generalizedTime = (date: Date): Asn1 =>
  asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(wholeSeconds(date)));

export const children = (parent: Asn1 | undefined): Asn1[] =>
  parent && Array.isArray(parent.value) ? parent.value : [];

export const valueBytes = (n: Asn1): Buffer => fromBinary(n.value as string);

export const readOid = (n: Asn1 | undefined): string | undefined =>
  n && n.tagClass === Class.UNIVERSAL && n.type === Type.OID ? asn1.derToOid(n.value as string) : undefined;

/** The content of a BIT STRING read with decodeBitStrings: false, without its unused-bits byte. */
export const bitStringBytes = (n: Asn1): Buffer => fromBinary((n.value as string).slice(1));

export const sha1 = (bytes: Uint8Array): Buffer => createHash('sha1').update(bytes).digest();

export { asn1, Class, Type };

// ---- Buffer-level DER writing, for large structures (CRLs) where building a node tree costs too much ----

function derLength(length: number): Buffer {
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) {
    bytes.unshift(n & 0xff);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One DER TLV from a tag byte and already-encoded content. */
export const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = content.length === 1 && content[0] ? content[0] : Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};

/** `unsignedInteger`, written straight to bytes. */
export const unsignedIntegerTlv = (bytes: Uint8Array): Buffer => tlv(Type.INTEGER, unsignedIntegerContent(bytes));

/** `time`, written straight to bytes. */
export const timeTlv = (date: Date): Buffer => {
  const [type, text] = pkixTime(date);
  return tlv(type, Buffer.from(text, 'latin1'));
};
