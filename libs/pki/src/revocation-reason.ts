/** RFC 5280 5.3.1 CRLReason names and codes (7 is unused). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export const isRevocationReason = (value: unknown): value is RevocationReason =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(REVOCATION_REASONS, value);
