import { PkiError, type PkiErrorCode } from './errors';

/** PEM-encodes DER with 64-character lines (RFC 7468). */
export function toPem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

const BLOCK = /^-----BEGIN ([A-Z0-9 ]+)-----[ \t]*\r?\n([A-Za-z0-9+/=\s]*?)^-----END \1-----[ \t]*$/m;

/**
 * Decodes exactly one PEM block with one of the given labels. Text before and after the block is
 * ignored, as RFC 7468 section 2 asks (certtool and `openssl req -text` print the request in words
 * first). More than one block is refused: a second block is a classic way to smuggle a different
 * object past a check that reads only the first. Bad base64 is refused too.
 */
export function decodeSinglePem(text: string, labels: readonly string[], code: PkiErrorCode, what: string): Buffer {
  const begins = text.match(/-----BEGIN [^-]*-----/g) ?? [];
  if (begins.length > 1) {
    throw new PkiError(
      'CSR_MULTIPLE_BLOCKS',
      `Exactly one ${what} is expected; this input holds ${begins.length} PEM blocks.`,
    );
  }
  const expected = `-----BEGIN ${labels[0] ?? ''}-----`;
  if (begins.length === 0) {
    throw new PkiError(
      code,
      `The input holds no PEM ${what}: expected a block starting with ${expected} (text around it is fine).`,
    );
  }
  const match = BLOCK.exec(text);
  if (!match?.[1] || match[2] === undefined) {
    throw new PkiError(
      code,
      `The PEM block of the ${what} is damaged: it needs ${expected} and its -----END----- line, each on a line of its own, with only base64 between them.`,
    );
  }
  if (!labels.includes(match[1])) {
    throw new PkiError(code, `The input holds a PEM ${match[1]}, not a ${what} (expected ${expected}).`);
  }
  const base64 = match[2].replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) {
    throw new PkiError(code, `The ${what} is not valid base64.`);
  }
  return Buffer.from(base64, 'base64');
}
