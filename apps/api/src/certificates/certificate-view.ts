import type { CertificateView } from '@enroll/contract';
import type { CertificateRow } from '../authority';

/** A certificate row as the API shows it (the same view as GET /api/v1/certificates). */
export function certificateView(r: CertificateRow, now: Date): CertificateView {
  const status = r.status === 'revoked' ? 'revoked' : r.not_after.getTime() <= now.getTime() ? 'expired' : 'valid';
  return {
    serialNumber: r.serial,
    requestId: r.request_id === null ? null : Number(r.request_id),
    organizationCode: r.organization_code,
    profile: r.profile,
    subject: r.subject,
    commonName: r.common_name,
    notBefore: r.not_before,
    notAfter: r.not_after,
    status,
    revokedAt: r.revoked_at,
    revocationReason: r.reason,
    supersededBy: r.superseded_by,
  };
}
