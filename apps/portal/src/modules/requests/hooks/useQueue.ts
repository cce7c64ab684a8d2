import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { REQUEST_KINDS, REQUEST_STATUSES, type RequestKind, type RequestStatus } from '@enroll/domain';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { fetchCounts, fetchQueue, requestKeys, type QueueFilter, type QueueSort } from '../api/requests';

const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | undefined => (allowed.includes(value as T) ? (value as T) : undefined);

/**
 * The queue's filter lives in the address bar, so a view can be bookmarked and shared. With no
 * status in the address, pending requests are shown: they are the work.
 */
export function useQueueFilter() {
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const filter = useMemo<QueueFilter>(
    () => ({
      status: statusParam === 'all' ? undefined : (pick<RequestStatus>(statusParam, REQUEST_STATUSES) ?? 'Pending'),
      kind: pick<RequestKind>(params.get('kind'), REQUEST_KINDS),
      organizationCode: params.get('organization') ?? undefined,
      q: params.get('q') ?? undefined,
      sort: pick<QueueSort>(params.get('sort'), ['newest', 'oldest']) ?? 'newest',
    }),
    [params, statusParam],
  );
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
  return { filter, statusParam: statusParam ?? 'Pending', update };
}

export function useQueuePage(filter: QueueFilter, cursor: string | undefined) {
  return useQuery({
    queryKey: requestKeys.queue(filter, cursor),
    queryFn: ({ signal }) => fetchQueue(filter, cursor, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCounts() {
  return useQuery({ queryKey: requestKeys.counts, queryFn: ({ signal }) => fetchCounts(signal) });
}
