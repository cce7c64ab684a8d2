import { PkiError, type PkiErrorCode } from './errors';

/** PEM-encodes DER with 64-character lines (RFC 7468). */
export function toPem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/**
 * Decodes exactly one PEM block with one of the given labels. More than one block, text other
 * than white space around it, or bad base64 is refused: a second block is a classic way to
 * smuggle a different object past a check that reads only the first.
 */
export function decodeSinglePem(text: string, labels: readonly string[], code: PkiErrorCode, what: string): Buffer {
  const begins = text.match(/-----BEGIN [^-]*-----/g) ?? [];
  if (begins.length > 1) {
    throw new PkiError('CSR_MULTIPLE_BLOCKS', `Exactly one ${what} is expected; this input holds ${begins.length} PEM blocks.`);
  }
  const match = /^\s*-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\s]*?)-----END \1-----\s*$/.exec(text);
  if (!match?.[1] || match[2] === undefined || !labels.includes(match[1])) {
    throw new PkiError(code, `The input is not a PEM ${what} (expected -----BEGIN ${labels[0]}-----).`);
  }
  const base64 = match[2].replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) {
    throw new PkiError(code, `The ${what} is not valid base64.`);
  }
  return Buffer.from(base64, 'base64');
}
