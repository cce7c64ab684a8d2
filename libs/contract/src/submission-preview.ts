import type { EnrollmentType, RequestKind } from '@enroll/domain';

/**
 * `POST /api/v1/enrollment/requests?dryRun=true`: what a submission with the same body would
 * store and, once approved, issue. Every check of a real submission ran (CSR, key rules, profile,
 * package, key compromise, the same requester's open request); nothing was stored or audited.
 */
export interface SubmissionPreview {
  kind: RequestKind;
  /** The subject the certificate would carry (RFC 4514, CN first). */
  subject: string;
  commonName: string;
  /** The profile's key usages for the CSR's key. */
  keyUsage: string[];
  extendedKeyUsage: string[];
  subjectAltNames: { type: string; value: string }[];
  validityDays: number;
  enrollmentType: EnrollmentType;
  /** What the policy would decide at once: Pending (for a manager), or Rejected with its reason. */
  verdict: 'Pending' | 'Rejected';
  rejectionReason?: string;
  /** This requester's open requests (same package, kind and common name) that the submission would cancel. */
  cancels: number[];
}
