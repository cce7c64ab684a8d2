/**
 * The codes with which the mutual-TLS port refuses the presented client certificate, before any
 * route runs (docs/api.md, "Device endpoints (mTLS port)"): none presented, not signed by this
 * issuing CA, outside its validity, not in this CA's records (401), revoked (403). Clients decide
 * by these codes, never by the wording of `detail`.
 */
export type DeviceCertificateProblemCode =
  | 'CERTIFICATE_REQUIRED'
  | 'UNKNOWN_ISSUER'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'CERTIFICATE_EXPIRED'
  | 'UNKNOWN_CERTIFICATE'
  | 'CERTIFICATE_REVOKED';
