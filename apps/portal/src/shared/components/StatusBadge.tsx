/** A status as a coloured label; the colour repeats the word, it never replaces it. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}
