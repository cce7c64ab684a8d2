import type { Page, QueueView, RequestCounts, RequestDetail, Wire } from '@enroll/contract';
import type { ApiRevocationReason, RequestKind, RequestStatus } from '@enroll/domain';
import { getJson, postJson, query } from '../../../shared/api/http';

/** The API's orders: by submission, or by a column (`-` for descending). */
export const QUEUE_SORTS = ['newest', 'oldest', 'commonName', '-commonName', 'requestedBy', '-requestedBy'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
export type QueueDecider = 'organization' | 'centre';

export interface QueueFilter {
  status?: RequestStatus | undefined;
  kind?: RequestKind | undefined;
  organizationCode?: string | undefined;
  q?: string | undefined;
  decider?: QueueDecider | undefined;
  sort?: QueueSort | undefined;
  limit?: number | undefined;
}

export type QueueItem = Wire<QueueView>;
export type Detail = Wire<RequestDetail>;

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const PAGE_SIZE = 100;
/** The API stops a filtered count here (requests.repository.ts COUNT_CAP). */
export const COUNT_CAP = 10_000;

export const fetchQueue = (
  filter: QueueFilter,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<Wire<Page<QueueView>>> =>
  getJson(`/api/v1/requests${query({ ...filter, limit: filter.limit ?? PAGE_SIZE, cursor })}`, signal);

/** Counts per status under the filter's kind, organization, decider and search (its status aside). */
export const fetchCounts = (filter: QueueFilter, signal?: AbortSignal): Promise<RequestCounts> =>
  getJson(
    `/api/v1/requests/counts${query({ kind: filter.kind, organizationCode: filter.organizationCode, decider: filter.decider, q: filter.q })}`,
    signal,
  );

export const fetchRequest = (id: number, signal?: AbortSignal): Promise<Detail> =>
  getJson(`/api/v1/requests/${id}`, signal);

/** A decision and what it needs: approval takes an optional comment, rejection a reason, revocation an RFC 5280 reason. */
export type Decision =
  | { action: 'approve'; comment?: string }
  | { action: 'reject'; reason: string }
  | { action: 'revoke'; reason: ApiRevocationReason };

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
  latest: (filter: QueueFilter) => ['requests', 'latest', filter] as const,
  counts: (filter: QueueFilter) =>
    [
      'requests',
      'counts',
      filter.kind ?? null,
      filter.organizationCode ?? null,
      filter.decider ?? null,
      filter.q ?? null,
    ] as const,
  detail: (id: number) => ['requests', 'detail', id] as const,
};
