/**
 * A minimal strict DER reader over a Buffer: one TLV at a time, no tree, no copies. The linter
 * reads certificates with it, independently of the forge-based writers that built them, and
 * fast enough to run on every certificate the CA issues. It throws a plain Error on anything
 * that is not DER (indefinite or non-minimal lengths, multi-byte tags, overruns).
 */

/** One TLV: its tag byte and where its header, content and end lie in the buffer. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Reads the TLV that starts at `offset` and must end by `limit`. */
export function readTlv(buffer: Buffer, offset: number, limit = buffer.length): Tlv {
  const tag = buffer[offset];
  const first = buffer[offset + 1];
  if (tag === undefined || first === undefined || offset + 2 > limit) {
    throw new Error(`truncated TLV at ${offset}`);
  }
  if ((tag & 0x1f) === 0x1f) {
    throw new Error(`multi-byte tag at ${offset}`);
  }
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) {
      throw new Error(`unsupported length form at ${offset}`);
    }
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = buffer[contentStart + i];
      if (byte === undefined || (i === 0 && byte === 0)) {
        throw new Error(`non-minimal length at ${offset}`);
      }
      length = length * 256 + byte;
    }
    if (length < 0x80) {
      throw new Error(`non-minimal length at ${offset}`);
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) {
    throw new Error(`TLV at ${offset} overruns its parent`);
  }
  return { tag, start: offset, contentStart, end };
}

/** Reads a whole buffer as exactly one TLV. */
export function readRoot(buffer: Buffer): Tlv {
  const root = readTlv(buffer, 0);
  if (root.end !== buffer.length) {
    throw new Error('trailing bytes after the outer TLV');
  }
  return root;
}

/** The TLVs inside a constructed TLV, in order. */
export function childTlvs(buffer: Buffer, parent: Tlv): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const item = readTlv(buffer, offset, parent.end);
    items.push(item);
    offset = item.end;
  }
  return items;
}

export const contentOf = (buffer: Buffer, tlv: Tlv): Buffer => buffer.subarray(tlv.contentStart, tlv.end);
export const bytesOf = (buffer: Buffer, tlv: Tlv): Buffer => buffer.subarray(tlv.start, tlv.end);

/** Dotted form of an OBJECT IDENTIFIER's content octets. */
export function oidText(content: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/**
 * A UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) in the one form RFC 5280 4.1.2.5
 * allows; undefined for any other form.
 */
export function readPkixTime(buffer: Buffer, tlv: Tlv): Date | undefined {
  const text = contentOf(buffer, tlv).toString('latin1');
  const match =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : tlv.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!match) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const year = tlv.tag === TAG.UTC_TIME ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  return new Date(Date.UTC(year, mo - 1, d, h, mi, s));
}
