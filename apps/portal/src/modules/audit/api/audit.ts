import type { AuditEventView, Page, Wire } from '@enroll/contract';
import { getJson, query } from '../../../shared/api/http';

export type AuditEvent = Wire<AuditEventView>;
export interface AuditFilter {
  requestId?: number | undefined;
  actor?: string | undefined;
}

export const fetchAudit = (filter: AuditFilter, cursor: string | undefined, signal?: AbortSignal): Promise<Wire<Page<AuditEventView>>> =>
  getJson(`/api/v1/audit${query({ ...filter, limit: 100, cursor })}`, signal);
