import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { REQUEST_KINDS, REQUEST_STATUSES, type RequestKind, type RequestStatus } from '@enroll/domain';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import {
  fetchCounts,
  fetchQueue,
  PAGE_SIZE,
  PAGE_SIZES,
  QUEUE_SORTS,
  requestKeys,
  type QueueDecider,
  type QueueFilter,
  type QueueSort,
} from '../api/requests';
import { rememberQueue } from './queueMemory';

const pick = <T extends string | number>(value: string | null, allowed: readonly T[]): T | undefined =>
  allowed.find((a) => String(a) === value);

/** The queue's views: what this person decides, what waits for the centre, or every kind. */
export const QUEUE_VIEWS = ['mine', 'centre', 'all'] as const;
export type QueueViewName = (typeof QUEUE_VIEWS)[number];
const DECIDERS: Record<QueueViewName, QueueDecider | undefined> = {
  mine: 'organization',
  centre: 'centre',
  all: undefined,
};

/** How often the queue looks for new requests (a page of ids through the id index: cheap). */
export const POLL_MS = 15_000;

/**
 * The queue's filter lives in the address bar, so a view can be bookmarked, shared, and found
 * again after opening a request. With no status in the address, pending requests are shown: they
 * are the work; with no view, a manager sees what they decide and an administrator every kind.
 */
export function useQueueFilter(defaultView: QueueViewName) {
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const view = pick(params.get('view'), QUEUE_VIEWS) ?? defaultView;
  const filter = useMemo<QueueFilter>(
    () => ({
      status: statusParam === 'all' ? undefined : (pick<RequestStatus>(statusParam, REQUEST_STATUSES) ?? 'Pending'),
      kind: pick<RequestKind>(params.get('kind'), REQUEST_KINDS),
      organizationCode: params.get('organization') ?? undefined,
      q: params.get('q') ?? undefined,
      decider: DECIDERS[view],
      sort: pick<QueueSort>(params.get('sort'), QUEUE_SORTS) ?? 'newest',
      limit: pick(params.get('size'), PAGE_SIZES) ?? PAGE_SIZE,
    }),
    [params, statusParam, view],
  );
  rememberQueue(params.toString());
  const update = useCallback(
    (changes: Record<string, string | undefined>) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === '') {
              next.delete(key);
            } else {
              next.set(key, value);
            }
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return { filter, view, statusParam: statusParam ?? 'Pending', update };
}

export function useQueuePage(filter: QueueFilter, cursor: string | undefined) {
  return useQuery({
    queryKey: requestKeys.queue(filter, cursor),
    queryFn: ({ signal }) => fetchQueue(filter, cursor, signal),
    placeholderData: keepPreviousData,
  });
}

/** Counts under the filters, refreshed with the new-request poll. */
export function useCounts(filter: QueueFilter) {
  return useQuery({
    queryKey: requestKeys.counts(filter),
    queryFn: ({ signal }) => fetchCounts(filter, signal),
    placeholderData: keepPreviousData,
    refetchInterval: POLL_MS,
  });
}

/** The newest pending ids under the filters, polled: the queue compares them with what it shows. */
export function useLatest(filter: QueueFilter) {
  const latest = { ...filter, status: 'Pending' as const, sort: 'newest' as const, limit: 20 };
  return useQuery({
    queryKey: requestKeys.latest(latest),
    queryFn: ({ signal }) => fetchQueue(latest, undefined, signal),
    refetchInterval: POLL_MS,
    select: (page) => page.items.map((r) => r.id),
  });
}
