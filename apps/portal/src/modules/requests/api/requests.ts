import type { Page, RequestCounts, RequestDetail, RequestView, Wire } from '@enroll/contract';
import type { ApiRevocationReason, RequestKind, RequestStatus } from '@enroll/domain';
import { getJson, postJson, query } from '../../../shared/api/http';

export type QueueSort = 'newest' | 'oldest';

export interface QueueFilter {
  status?: RequestStatus | undefined;
  kind?: RequestKind | undefined;
  organizationCode?: string | undefined;
  q?: string | undefined;
  sort?: QueueSort | undefined;
}

export type QueueItem = Wire<RequestView>;
export type Detail = Wire<RequestDetail>;

export const PAGE_SIZE = 100;

export const fetchQueue = (filter: QueueFilter, cursor: string | undefined, signal?: AbortSignal): Promise<Wire<Page<RequestView>>> =>
  getJson(`/api/v1/requests${query({ ...filter, limit: PAGE_SIZE, cursor })}`, signal);

export const fetchCounts = (signal?: AbortSignal): Promise<RequestCounts> => getJson('/api/v1/requests/counts', signal);

export const fetchRequest = (id: number, signal?: AbortSignal): Promise<Detail> => getJson(`/api/v1/requests/${id}`, signal);

/** A decision and what it needs: approval takes an optional comment, rejection a reason, revocation an RFC 5280 reason. */
export type Decision = { action: 'approve'; comment?: string } | { action: 'reject'; reason: string } | { action: 'revoke'; reason: ApiRevocationReason };

/** The request as the decision left it (approval adds its certificate; reads use `fetchRequest`). */
export function decide(id: number, decision: Decision): Promise<QueueItem> {
  switch (decision.action) {
    case 'approve':
      return postJson(`/api/v1/requests/${id}/approve`, decision.comment ? { comment: decision.comment } : {});
    case 'reject':
      return postJson(`/api/v1/requests/${id}/reject`, { reason: decision.reason });
    case 'revoke':
      return postJson(`/api/v1/requests/${id}/revoke`, { reason: decision.reason });
  }
}

export const requestKeys = {
  all: ['requests'] as const,
  queue: (filter: QueueFilter, cursor: string | undefined) => ['requests', 'queue', filter, cursor ?? null] as const,
  counts: ['requests', 'counts'] as const,
  detail: (id: number) => ['requests', 'detail', id] as const,
};
