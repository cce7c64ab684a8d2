/**
 * ECDSA signatures as PKCS#11 returns them (CKM_ECDSA: r and s, each the curve's size, one after
 * the other) in the form X.509 carries them (RFC 5480 / RFC 3279: DER SEQUENCE { INTEGER r, INTEGER s }).
 */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new Error(`An ECDSA signature r||s has an even, non-zero length, not ${raw.length} bytes.`);
  }
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

/** A non-negative big-endian integer as DER: no leading zero bytes, one 0x00 when the top bit is set. */
function derInteger(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) {
    start++;
  }
  const digits = unsigned.subarray(start);
  const value = (digits[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), digits]) : digits;
  return Buffer.concat([Buffer.from([0x02]), derLength(value.length), value]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
