import type {
  CertificateDetail,
  CertificateStatus,
  CertificateView,
  ExpiringSummary,
  Page,
  Wire,
} from '@enroll/contract';
import { getJson, query } from '../../../shared/api/http';

export type Certificate = Wire<CertificateView>;
export type CertificateFull = Wire<CertificateDetail>;

/** The profiles a list can be filtered by: the request kinds, and managers' own certificates. */
export const CERTIFICATE_KINDS = ['workstation', 'server', 'mobile', 'external', 'manager'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

export interface CertificateFilter {
  status?: CertificateStatus | undefined;
  organizationCode?: string | undefined;
  kind?: CertificateKind | undefined;
  q?: string | undefined;
  /** Expiring within this many days from now. */
  expiringWithinDays?: number | undefined;
  /** false: only certificates no renewal has superseded yet. */
  renewed?: boolean | undefined;
}

export const certificateKeys = {
  list: (filter: CertificateFilter, cursor: string | undefined) =>
    ['certificates', 'list', filter, cursor ?? null] as const,
  one: (serial: string) => ['certificates', 'one', serial] as const,
  expiring: ['certificates', 'expiring'] as const,
};

const DAY = 86_400_000;

export function fetchCertificates(
  filter: CertificateFilter,
  cursor: string | undefined,
  now: number,
  signal?: AbortSignal,
): Promise<Wire<Page<CertificateView>>> {
  const expiringBefore =
    filter.expiringWithinDays === undefined ? undefined : new Date(now + filter.expiringWithinDays * DAY).toISOString();
  return getJson(
    `/api/v1/certificates${query({ status: filter.status, organizationCode: filter.organizationCode, kind: filter.kind, q: filter.q, expiringBefore, renewed: filter.renewed === undefined ? undefined : String(filter.renewed), limit: 100, cursor })}`,
    signal,
  );
}

export const fetchCertificate = (serial: string, signal?: AbortSignal): Promise<CertificateFull> =>
  getJson(`/api/v1/certificates/${encodeURIComponent(serial)}`, signal);

/** What still needs a renewal within 1, 7 and 30 days, per organization. */
export const fetchExpiring = (signal?: AbortSignal): Promise<Wire<ExpiringSummary>> =>
  getJson('/api/v1/certificates/expiring', signal);

/** The list behind an expiry count: valid, not yet renewed, ending within `days`. */
export const expiringLink = (days: number, organizationCode?: string): string =>
  `/certificates?status=valid&renewed=false&expiring=${days}${organizationCode ? `&organization=${encodeURIComponent(organizationCode)}` : ''}`;
