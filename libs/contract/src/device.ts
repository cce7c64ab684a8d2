/**
 * `GET /api/v1/enrollment/test` on the mutual-TLS port (docs/api.md, "Device endpoints"): the
 * presented certificate is this CA's, current and not revoked.
 */
export interface ConnectionTestResult {
  message: string;
  subject: string;
  serialNumber: string;
  notAfter: Date;
}
