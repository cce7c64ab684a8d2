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

/** What a certificate's DER says, as node's X509Certificate reads it. */
export interface DecodedCertificate {
  /** The issuer's distinguished name, most significant attribute last (RFC 4514 order). */
  issuer: string;
  /** As OpenSSL prints it: `DNS:host, IP Address:10.0.0.1`; null without the extension. */
  subjectAltName: string | null;
  /** The extended key usage OIDs. */
  extendedKeyUsage: string[];
  publicKey: { algorithm: string; size?: number; curve?: string };
  /** SHA-256 of the DER, colon-separated hex. */
  fingerprintSha256: string;
}

/** `GET /api/v1/certificates/{serial}`: the certificate as listed, and decoded. */
export interface CertificateDetail extends CertificateView {
  decoded?: DecodedCertificate;
}

/** Valid certificates not yet superseded by a renewal whose end falls within 1, 7 and 30 days (cumulative). */
export interface ExpiringCounts {
  within1Day: number;
  within7Days: number;
  within30Days: number;
}

/**
 * `GET /api/v1/certificates/expiring`: what still needs a renewal, per organization in the
 * reader's scope, most urgent first; `total` adds them up.
 */
export interface ExpiringSummary {
  generatedAt: Date;
  total: ExpiringCounts;
  organizations: (ExpiringCounts & { organizationCode: string; organizationName: string })[];
}
