import { randomBytes } from 'node:crypto';

/**
 * A fresh certificate serial: 128 bits from the CSPRNG (CA/B Forum asks for 64 at least). The
 * DER INTEGER gets a leading zero when the top bit is set, so the value stays positive.
 */
export const randomSerial = (): Buffer => randomBytes(16);

/** Upper-case hex of a serial's value, without leading zero bytes: the form the API uses. */
export function serialToHex(serial: Uint8Array): string {
  let start = 0;
  while (start < serial.length - 1 && serial[start] === 0) {
    start++;
  }
  return Buffer.from(serial.subarray(start)).toString('hex').toUpperCase();
}

/** Parses the API's serial form back to bytes; undefined when it is not hex. */
export function serialFromHex(hex: string): Buffer | undefined {
  if (!/^[0-9A-Fa-f]{1,40}$/.test(hex)) {
    return undefined;
  }
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}
