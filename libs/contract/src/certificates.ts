/** `valid` means current and not revoked; `expired` is computed from notAfter at reading time. */
export type CertificateStatus = 'valid' | 'revoked' | 'expired';

/** A certificate this CA issued, as `GET /api/v1/certificates` lists it. */
export interface CertificateView {
  serialNumber: string;
  requestId: number | null;
  organizationCode: string | null;
  profile: string;
  subject: string;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  status: CertificateStatus;
  revokedAt: Date | null;
  revocationReason: string | null;
  /** The serial of the certificate that renewed this one; it stays valid until it expires. */
  supersededBy: string | null;
}

/** The download formats of certificates: PEM (leaf then chain), DER (leaf), PKCS#7 (leaf and chain). */
export type CertificateFormat = 'pem' | 'der' | 'p7b';
