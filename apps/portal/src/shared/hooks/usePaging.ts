import { useCallback, useState } from 'react';

/**
 * The cursors of the pages seen so far, so Previous needs no offset. Keyset cursors belong to one
 * filter: when `filterKey` changes, paging starts over at the first page in the same render.
 */
export function usePaging(filterKey: string) {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: filterKey,
    cursors: [undefined],
  });
  const cursors = state.key === filterKey ? state.cursors : [undefined];
  const next = useCallback(
    (cursor: string) =>
      setState((s) => ({ key: filterKey, cursors: [...(s.key === filterKey ? s.cursors : [undefined]), cursor] })),
    [filterKey],
  );
  const previous = useCallback(
    () =>
      setState((s) => ({
        key: filterKey,
        cursors: s.key === filterKey && s.cursors.length > 1 ? s.cursors.slice(0, -1) : [undefined],
      })),
    [filterKey],
  );
  return { cursor: cursors[cursors.length - 1], page: cursors.length, hasPrevious: cursors.length > 1, next, previous };
}
