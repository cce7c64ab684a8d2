import { REQUEST_KINDS, REQUEST_STATUSES } from '@enroll/domain';
import { createColumnHelper, getCoreRowModel, useReactTable, type RowSelectionState } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ChoiceSelect } from '../../../shared/components/ChoiceSelect';
import { DataTable } from '../../../shared/components/DataTable';
import { Pager } from '../../../shared/components/Pager';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { formatDateTime } from '../../../shared/format';
import { usePaging } from '../../../shared/hooks/usePaging';
import { useMe } from '../../auth/hooks/session';
import { OrganizationOptions } from '../../organizations/components/OrganizationOptions';
import type { QueueItem } from '../api/requests';
import { ACTION_LABELS, DECISION_ACTIONS, offeredDecisions, type DecisionAction } from '../hooks/decisions';
import { useCounts, useQueueFilter, useQueuePage } from '../hooks/useQueue';
import { BulkDecisionDialog } from './BulkDecisionDialog';

const column = createColumnHelper<QueueItem>();

/** The review queue: counts, filters, search, sort, keyset pages, and decisions in bulk. */
export function QueuePage() {
  const me = useMe();
  const isAdmin = me.role === 'admin';
  const { filter, statusParam, update } = useQueueFilter();
  const filterKey = JSON.stringify(filter);
  const paging = usePaging(filterKey);
  const page = useQueuePage(filter, paging.cursor);
  const counts = useCounts();
  const [selection, setSelection] = useState<RowSelectionState>({});
  // The rows are fixed when the dialog opens: the queue refreshes under it as decisions land.
  const [bulk, setBulk] = useState<{ action: DecisionAction; ids: number[] } | null>(null);
  const [search, setSearch] = useState(filter.q ?? '');

  // A selection belongs to the rows on screen.
  useEffect(() => setSelection({}), [filterKey, paging.cursor]);

  // Search as the person types, once they pause.
  useEffect(() => {
    const timer = setTimeout(() => update({ q: search.trim() || undefined }), 300);
    return () => clearTimeout(timer);
  }, [search, update]);

  const items = useMemo(() => page.data?.items ?? [], [page.data]);
  const columns = useMemo(
    () => [
      column.display({
        id: 'select',
        meta: { width: '40px' },
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label="Select all decidable requests on this page"
            checked={table.getIsAllRowsSelected()}
            ref={(el) => {
              if (el) {
                el.indeterminate = table.getIsSomeRowsSelected();
              }
            }}
            onChange={table.getToggleAllRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select request ${row.original.id}`}
            checked={row.getIsSelected()}
            disabled={!row.getCanSelect()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      }),
      column.accessor('id', { header: 'Id', meta: { width: '80px' }, cell: (c) => <Link to={`/requests/${c.getValue()}`}>{c.getValue()}</Link> }),
      column.accessor('commonName', { header: 'Common name', cell: (c) => <Link to={`/requests/${c.row.original.id}`} className="mono">{c.getValue()}</Link> }),
      column.accessor('kind', { header: 'Kind', meta: { width: '110px' } }),
      column.accessor('organizationCode', { header: 'Organization', meta: { width: '120px' } }),
      column.accessor('requestedBy', { header: 'Requested by' }),
      column.accessor('submittedAt', { header: 'Submitted', meta: { width: '170px' }, cell: (c) => formatDateTime(c.getValue()) }),
      column.accessor('status', { header: 'Status', meta: { width: '110px' }, cell: (c) => <StatusBadge status={c.getValue()} /> }),
    ],
    [],
  );
  const table = useReactTable({
    data: items,
    columns,
    getRowId: (row) => String(row.id),
    getCoreRowModel: getCoreRowModel(),
    enableRowSelection: (row) => offeredDecisions(me, row.original).length > 0,
    // A manager has one organization: its column would only repeat it.
    state: { rowSelection: selection, columnVisibility: { organizationCode: isAdmin } },
    onRowSelectionChange: setSelection,
  });

  const selected = table.getSelectedRowModel().rows.map((r) => r.original);
  const bulkActions = DECISION_ACTIONS.filter((action) => selected.length > 0 && selected.every((r) => offeredDecisions(me, r).includes(action)));
  const total = Object.values(counts.data ?? {}).reduce((sum, n) => sum + n, 0);

  return (
    <section aria-labelledby="queue-title">
      <header className="page-header">
        <h1 id="queue-title">Review queue</h1>
        <p className="muted">{isAdmin ? 'All organizations' : `Organization ${me.organizationCode ?? ''}`}</p>
      </header>

      <nav className="counts" aria-label="Requests per status">
        <button type="button" aria-pressed={statusParam === 'all'} onClick={() => update({ status: 'all' })}>
          All <span className="count">{counts.data ? total : '…'}</span>
        </button>
        {REQUEST_STATUSES.filter((s) => s !== 'Requested').map((status) => (
          <button key={status} type="button" aria-pressed={statusParam === status} onClick={() => update({ status })}>
            {status} <span className="count">{counts.data ? (counts.data[status] ?? 0) : '…'}</span>
          </button>
        ))}
      </nav>

      <form className="filters" role="search" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Common name, request id or requester" />
        </label>
        <ChoiceSelect label="Status" value={statusParam} anyLabel="All" anyValue="all" choices={REQUEST_STATUSES} onChange={(status) => update({ status: status ?? 'all' })} />
        <ChoiceSelect label="Kind" value={filter.kind ?? ''} anyLabel="All kinds" choices={REQUEST_KINDS} onChange={(kind) => update({ kind: kind ?? '' })} />
        {isAdmin && (
          <label>
            Organization
            <select value={filter.organizationCode ?? ''} onChange={(e) => update({ organization: e.target.value })}>
              <OrganizationOptions empty="All organizations" />
            </select>
          </label>
        )}
        <label>
          Sort
          <select value={filter.sort} onChange={(e) => update({ sort: e.target.value })}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </label>
      </form>

      <div className="bulk-bar" aria-live="polite">
        <span>{selected.length > 0 ? `${selected.length} selected` : 'Select requests to decide several at once.'}</span>
        {bulkActions.map((action) => (
          <button key={action} type="button" className={action === 'approve' ? 'primary' : 'danger'} onClick={() => setBulk({ action, ids: selected.map((r) => r.id) })}>
            {ACTION_LABELS[action]} selected
          </button>
        ))}
      </div>

      <ProblemAlert error={page.error} />
      <DataTable table={table} caption="Enrollment requests" loading={page.isFetching} empty="No request matches." />
      <Pager
        page={paging.page}
        hasPrevious={paging.hasPrevious}
        hasNext={Boolean(page.data?.nextCursor)}
        onPrevious={paging.previous}
        onNext={() => page.data?.nextCursor && paging.next(page.data.nextCursor)}
      />

      {bulk && (
        <BulkDecisionDialog
          ids={bulk.ids}
          action={bulk.action}
          onClose={(done) => {
            setBulk(null);
            if (done) {
              setSelection({});
            }
          }}
        />
      )}
    </section>
  );
}
