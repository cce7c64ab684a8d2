/** Codes of refusals made by the API itself (PkiError and DomainError carry their own). */
export type AppErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'CERTIFICATE_REQUIRED'
  | 'UNKNOWN_ISSUER'
  | 'UNKNOWN_CERTIFICATE'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'CERTIFICATE_REVOKED'
  | 'NOT_A_DEVICE_CERTIFICATE'
  | 'MANAGER_CERTIFICATE'
  | 'NOT_A_CLIENT_CERTIFICATE'
  | 'INVALID_CREDENTIALS'
  | 'CSRF_TOKEN_INVALID'
  | 'FORBIDDEN'
  | 'PACKAGE_DISABLED'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'ORGANIZATION_EXISTS'
  | 'USERNAME_TAKEN'
  | 'ORGANIZATION_UNKNOWN'
  | 'CERTIFICATE_NOT_READY'
  | 'RATE_LIMITED'
  | 'ACCOUNT_DISABLED'
  | 'CERTIFICATE_SIGN_IN_REQUIRED'
  | 'NOT_A_USER_CERTIFICATE'
  | 'CERTIFICATE_ALREADY_REVOKED'
  | 'CANNOT_DISABLE_SELF'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

/** A refusal by the API with a stable code; the global filter turns it into problem+json. */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} was not found.`);
