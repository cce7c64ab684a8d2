import type { RequestSummary } from './api-model';
import { formatDate, renderTable, type Column } from './table';

/** The columns of the original client's request list, in its order, then the kind. */
export const STATUS_COLUMNS: readonly Column<RequestSummary>[] = [
  { header: 'Request Id', value: (r) => String(r.id), align: 'right' },
  { header: 'Status', value: (r) => r.status },
  { header: 'Common Name', value: (r) => r.commonName, cut: true },
  { header: 'Submission Date', value: (r) => formatDate(r.submittedAt) },
  { header: 'Requested By', value: (r) => r.requestedBy, cut: true },
  { header: 'Download Date', value: (r) => formatDate(r.downloadedAt), optional: true },
  { header: 'Downloaded By', value: (r) => r.downloadedBy ?? '', cut: true, optional: true },
  { header: 'Enrollment Type', value: (r) => r.enrollmentType, optional: true },
  // Not in the original's list; after its columns, so that their order stays the guide's.
  { header: 'Kind', value: (r) => r.kind },
];

/**
 * The status table, or a sentence when there is nothing to list. Dates are UTC. `expiries` (the
 * notAfter of certificates installed on this device, by request id) adds an Expires column;
 * `maxWidth` (the terminal's width) cuts the widest columns until the table fits.
 */
export function renderStatusTable(
  requests: readonly RequestSummary[],
  expiries: ReadonlyMap<number, string> = new Map(),
  maxWidth?: number,
): string {
  if (requests.length === 0) {
    return 'No certificate request has been submitted through this package yet.';
  }
  const columns: readonly Column<RequestSummary>[] =
    expiries.size === 0
      ? STATUS_COLUMNS
      : [...STATUS_COLUMNS, { header: 'Expires', value: (r) => formatDate(expiries.get(r.id)) }];
  return `${renderTable(columns, requests, maxWidth)}\n(${requests.length} request${requests.length === 1 ? '' : 's'}; dates in UTC)`;
}
