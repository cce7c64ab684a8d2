/** The RFC 5280 reasons a person or a device may give through the API. */
export const API_REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
] as const;
export type ApiRevocationReason = (typeof API_REVOCATION_REASONS)[number];

export const isApiRevocationReason = (value: unknown): value is ApiRevocationReason =>
  API_REVOCATION_REASONS.includes(value as ApiRevocationReason);
