import type { RenewalRefusalCode } from './renewal';

/** Stable codes of the domain's refusals; the API maps each to one HTTP status. */
export type DomainErrorCode =
  'INVALID_TRANSITION' | 'KIND_NOT_ALLOWED' | 'KIND_NOT_DECIDABLE' | 'ALREADY_RENEWED' | RenewalRefusalCode;

/** A refusal by a domain rule, with a stable code and the facts a caller may show. */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export const isDomainError = (value: unknown): value is DomainError => value instanceof DomainError;
