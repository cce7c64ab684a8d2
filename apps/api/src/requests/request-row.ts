import type { Channel, EnrollmentType, RequestKind, RequestStatus } from '@enroll/domain';
import type { RequestView } from '@enroll/contract';

export type { RequestView };

/** A request as read by the queries below (snake_case, as PostgreSQL returns it). */
export interface RequestRow {
  id: string;
  organization_id: string;
  organization_code: string;
  organization_country: string;
  package_id: string;
  kind: RequestKind;
  channel: Channel;
  status: RequestStatus;
  enrollment_type: EnrollmentType;
  common_name: string;
  subject: string;
  requested_by: string;
  submitted_at: Date;
  updated_at: Date;
  downloaded_at: Date | null;
  downloaded_by: string | null;
  rejection_reason: string | null;
  certificate_serial: string | null;
  renewal_of: string | null;
}

export const REQUEST_COLUMNS = `r.id, r.organization_id, o.code AS organization_code, o.country AS organization_country, r.package_id, r.kind, r.channel, r.status, r.enrollment_type,
  r.common_name, r.subject, r.requested_by, r.submitted_at, r.updated_at, r.downloaded_at, r.downloaded_by, r.rejection_reason, r.certificate_serial, r.renewal_of`;

export const requestView = (r: RequestRow): RequestView => ({
  id: Number(r.id),
  status: r.status,
  kind: r.kind,
  channel: r.channel,
  commonName: r.common_name,
  subject: r.subject,
  organizationCode: r.organization_code,
  submittedAt: r.submitted_at,
  requestedBy: r.requested_by,
  enrollmentType: r.enrollment_type,
  downloadedAt: r.downloaded_at,
  downloadedBy: r.downloaded_by,
  rejectionReason: r.rejection_reason,
  certificateSerial: r.certificate_serial,
  renewalOf: r.renewal_of === null ? null : Number(r.renewal_of),
});
