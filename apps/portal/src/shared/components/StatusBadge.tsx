import { i18n } from '../../i18n';

/**
 * A status as a coloured label; the colour repeats the word, it never replaces it. Plain i18n.t,
 * not the hook: a list renders hundreds, and a change of language re-renders the list anyway.
 */
export function StatusBadge({ status }: { status: string }) {
  const key = `status.${status}`;
  return <span className={`badge badge-${status.toLowerCase()}`}>{i18n.exists(key) ? i18n.t(key) : status}</span>;
}
