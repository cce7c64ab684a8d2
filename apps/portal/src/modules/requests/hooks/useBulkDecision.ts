import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { ApiError } from '../../../shared/api/http';
import { decide, requestKeys, type Decision } from '../api/requests';

export interface BulkResult {
  readonly id: number;
  readonly ok: boolean;
  readonly message: string;
}

const CONCURRENCY = 4;

/**
 * Applies one decision to many requests, a few at a time, and keeps a result per request: one
 * refusal does not hide the others.
 */
export function useBulkDecision() {
  const client = useQueryClient();
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const [running, setRunning] = useState(false);

  const run = useCallback(
    async (ids: readonly number[], decision: Decision) => {
      setRunning(true);
      const outcome = new Map<number, BulkResult>();
      const queue = [...ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          try {
            const detail = await decide(id, decision);
            outcome.set(id, { id, ok: true, message: `Now ${detail.status}` });
          } catch (error) {
            const message = error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : String(error);
            outcome.set(id, { id, ok: false, message });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
      setResults(ids.map((id) => outcome.get(id) ?? { id, ok: false, message: 'Not attempted' }));
      setRunning(false);
      await client.invalidateQueries({ queryKey: requestKeys.all });
    },
    [client],
  );
  const clear = useCallback(() => setResults(null), []);
  return { run, running, results, clear };
}
