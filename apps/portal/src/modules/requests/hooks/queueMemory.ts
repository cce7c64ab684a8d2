/**
 * The queue as last seen: its address (filters, order, page size) and its rows, so that "back to
 * the queue" keeps the filters and "approve and next" knows what comes next.
 */
let search = '';
let ids: readonly number[] = [];

export const rememberQueue = (params: string): void => {
  search = params;
};
export const rememberQueueRows = (rows: readonly number[]): void => {
  ids = rows;
};
export const queueHref = (): string => (search ? `/?${search}` : '/');
/** The request after `id` in the queue as last seen, if any. */
export const nextInQueue = (id: number): number | undefined => {
  const at = ids.indexOf(id);
  return at >= 0 ? ids[at + 1] : undefined;
};
