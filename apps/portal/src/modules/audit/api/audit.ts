import type { AuditEventView, Page, Wire } from '@enroll/contract';
import { getJson, query } from '../../../shared/api/http';

export type AuditEvent = Wire<AuditEventView>;
export interface AuditFilter {
  requestId?: number | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  /** ISO 8601 instants. */
  from?: string | undefined;
  to?: string | undefined;
}

const params = (filter: AuditFilter) => ({
  requestId: filter.requestId,
  actor: filter.actor,
  action: filter.action,
  target: filter.target,
  from: filter.from,
  to: filter.to,
});

export const fetchAudit = (
  filter: AuditFilter,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<Wire<Page<AuditEventView>>> =>
  getJson(`/api/v1/audit${query({ ...params(filter), limit: 100, cursor })}`, signal);

/** The export under the same filters: a plain link, the session cookie authorizes the GET. */
export const auditCsvHref = (filter: AuditFilter): string => `/api/v1/audit/export.csv${query(params(filter))}`;
