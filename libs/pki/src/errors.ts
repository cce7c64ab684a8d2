/** Stable codes of every refusal the CA library makes; the API maps them to problem+json. */
export type PkiErrorCode =
  | 'CSR_MALFORMED'
  | 'CSR_TOO_LARGE'
  | 'CSR_MULTIPLE_BLOCKS'
  | 'CSR_SIGNATURE_INVALID'
  | 'SIGNATURE_ALGORITHM_UNSUPPORTED'
  | 'KEY_ALGORITHM_UNSUPPORTED'
  | 'KEY_ENCODING_UNSUPPORTED'
  | 'KEY_TOO_WEAK'
  | 'KEY_SIZE_UNSUPPORTED'
  | 'KEY_EXPONENT_UNSUPPORTED'
  | 'CURVE_UNSUPPORTED'
  | 'SUBJECT_INVALID'
  | 'EXTENSION_INVALID'
  | 'KEY_USAGE_MISMATCH'
  | 'EKU_MISMATCH'
  | 'PROFILE_INPUT_INVALID'
  | 'OCSP_REQUEST_MALFORMED'
  | 'CA_KEY_INVALID'
  | 'ISSUANCE_SELF_CHECK_FAILED'
  | 'CERTIFICATE_LINT_FAILED';

/** A refusal by the CA library: `code` is stable, `message` says what to do about it. */
export class PkiError extends Error {
  override readonly name = 'PkiError';

  constructor(
    readonly code: PkiErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function isPkiError(value: unknown): value is PkiError {
  return value instanceof PkiError;
}
