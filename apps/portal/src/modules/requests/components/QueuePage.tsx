import { REQUEST_KINDS, REQUEST_STATUSES } from '@enroll/domain';
import { createColumnHelper, getCoreRowModel, useReactTable, type RowSelectionState } from '@tanstack/react-table';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ChoiceSelect } from '../../../shared/components/ChoiceSelect';
import { DataTable } from '../../../shared/components/DataTable';
import { Pager } from '../../../shared/components/Pager';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { Truncated } from '../../../shared/components/Truncated';
import { formatAge, formatDateTime, formatNumber } from '../../../shared/format';
import { usePaging } from '../../../shared/hooks/usePaging';
import { useTitle } from '../../../shared/hooks/useTitle';
import { useMe } from '../../auth/hooks/session';
import { OrganizationOptions } from '../../organizations/components/OrganizationOptions';
import { COUNT_CAP, PAGE_SIZES, requestKeys, type QueueItem } from '../api/requests';
import { DECISION_ACTIONS, offeredDecisions, type DecisionAction } from '../hooks/decisions';
import { rememberQueueRows } from '../hooks/queueMemory';
import { QUEUE_VIEWS, useCounts, useLatest, useQueueFilter, useQueuePage, type QueueViewName } from '../hooks/useQueue';
import { useQueueKeys } from '../hooks/useQueueKeys';
import { BulkDecisionDialog } from './BulkDecisionDialog';
import { DecisionDialog } from './DecisionDialog';
import { ShortcutsDialog } from './ShortcutsDialog';

const column = createColumnHelper<QueueItem>();

/** The review queue: views, counts under the filters, search, sort, keyset pages, the keyboard, decisions one by one or in bulk. */
export function QueuePage() {
  const { t } = useTranslation();
  const me = useMe();
  const isAdmin = me.role === 'admin';
  const navigate = useNavigate();
  const client = useQueryClient();
  useTitle(t('title.queue'));
  const { filter, view, statusParam, update } = useQueueFilter(isAdmin ? 'all' : 'mine');
  const filterKey = JSON.stringify(filter);
  const paging = usePaging(filterKey);
  const page = useQueuePage(filter, paging.cursor);
  const counts = useCounts(filter);
  const latest = useLatest(filter);
  const [selection, setSelection] = useState<RowSelectionState>({});
  // The rows are fixed when the dialog opens: the queue refreshes under it as decisions land.
  const [bulk, setBulk] = useState<{ action: DecisionAction; ids: number[] } | null>(null);
  const [single, setSingle] = useState<{ action: DecisionAction; row: QueueItem; nextId: number | undefined } | null>(
    null,
  );
  const [help, setHelp] = useState(false);
  const [search, setSearch] = useState(filter.q ?? '');
  // The keyboard's row: none until j or k is pressed.
  const [current, setCurrent] = useState(-1);
  const [seenNewest, setSeenNewest] = useState<number | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLDivElement>(null);

  // A selection and the keyboard's place belong to the rows on screen.
  useEffect(() => {
    // Unchanged state is left alone: a new {} would render the 100 rows again for nothing.
    setSelection((s) => (Object.keys(s).length > 0 ? {} : s));
    setCurrent(-1);
  }, [filterKey, paging.cursor]);

  // Search as the person types, once they pause.
  // Only when the text differs from the address: a stray update would navigate back here from another page.
  const searched = filter.q ?? '';
  useEffect(() => {
    if (search.trim() === searched) {
      return;
    }
    const timer = setTimeout(() => update({ q: search.trim() || undefined }), 300);
    return () => clearTimeout(timer);
  }, [search, searched, update]);

  const items = useMemo(() => page.data?.items ?? [], [page.data]);
  useEffect(() => rememberQueueRows(items.map((r) => r.id)), [items]);

  // New requests: pending ids above the newest one the person has seen under these filters.
  const newestShown = useMemo(() => items.reduce((max, r) => Math.max(max, r.id), 0), [items]);
  useEffect(() => {
    if (page.data && !page.isPlaceholderData) {
      setSeenNewest((seen) => Math.max(seen ?? 0, newestShown));
    }
  }, [page.data, page.isPlaceholderData, newestShown]);
  useEffect(() => setSeenNewest(null), [filterKey]);
  const fresh = seenNewest === null ? 0 : (latest.data ?? []).filter((id) => id > seenNewest).length;

  const columns = useMemo(
    () => [
      column.display({
        id: 'select',
        meta: { width: '36px' },
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label={t('queue.selectAll')}
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
            aria-label={t('queue.selectOne', { id: row.original.id })}
            checked={row.getIsSelected()}
            disabled={!row.getCanSelect()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      }),
      column.accessor('id', {
        header: t('queue.col.id'),
        meta: { width: '70px' },
        cell: (c) => (
          <Link to={`/requests/${c.getValue()}`} className="row-link">
            {c.getValue()}
          </Link>
        ),
      }),
      column.accessor('description', {
        header: t('queue.col.description'),
        meta: { className: 'clip' },
        cell: (c) => <span title={c.getValue() ?? undefined}>{c.getValue() ?? '—'}</span>,
      }),
      column.display({
        id: 'machine',
        header: t('queue.col.machine'),
        meta: { className: 'clip' },
        cell: ({ row }) => {
          const name = row.original.machineName ?? row.original.fqdn;
          return name ? (
            <span className="mono" title={name}>
              {name}
            </span>
          ) : (
            '—'
          );
        },
      }),
      column.accessor('requestedBy', {
        header: t('queue.col.requester'),
        meta: { sortKey: 'requestedBy', className: 'clip' },
      }),
      column.accessor('submittedAt', {
        header: t('queue.col.waiting'),
        meta: { width: '110px', sortKey: 'oldest', className: 'nowrap' },
        cell: (c) => (
          <time dateTime={c.getValue()} title={formatDateTime(c.getValue())}>
            {formatAge(c.getValue())}
          </time>
        ),
      }),
      column.accessor('kind', {
        header: t('queue.col.kind'),
        meta: { width: '120px' },
        cell: (c) => t(`kind.${c.getValue()}`),
      }),
      column.accessor('channel', {
        header: t('queue.col.channel'),
        meta: { width: '110px' },
        cell: (c) => t(`channel.${c.getValue()}`),
      }),
      column.accessor('commonName', {
        header: t('queue.col.commonName'),
        meta: { width: '220px', sortKey: 'commonName', className: 'nowrap' },
        cell: (c) => <Truncated value={c.getValue()} />,
      }),
      column.accessor('organizationCode', { header: t('queue.col.organization'), meta: { width: '110px' } }),
      column.accessor('status', {
        header: t('queue.col.status'),
        meta: { width: '110px' },
        cell: (c) => <StatusBadge status={c.getValue()} />,
      }),
    ],
    [t],
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
  const bulkActions = DECISION_ACTIONS.filter(
    (action) => selected.length > 0 && selected.every((r) => offeredDecisions(me, r).includes(action)),
  );
  const countOf = (n: number | undefined) =>
    n === undefined ? '…' : n >= COUNT_CAP ? `${formatNumber(COUNT_CAP)}+` : formatNumber(n);
  const all = counts.data ? Object.values(counts.data).reduce((sum, n) => sum + n, 0) : undefined;
  const total = counts.data ? (filter.status ? (counts.data[filter.status] ?? 0) : (all ?? 0)) : undefined;

  const focusRow = (index: number) => {
    const link = tableRef.current?.querySelectorAll<HTMLAnchorElement>('a.row-link')[index];
    link?.focus();
  };
  const currentRow = current < 0 ? undefined : items[Math.min(current, items.length - 1)];
  const decideCurrent = (action: DecisionAction) => {
    if (currentRow && offeredDecisions(me, currentRow).includes(action)) {
      setSingle({ action, row: currentRow, nextId: items[items.indexOf(currentRow) + 1]?.id });
    }
  };
  useQueueKeys({
    move: (by) => {
      const next = current < 0 ? 0 : Math.max(0, Math.min(items.length - 1, current + by));
      setCurrent(next);
      focusRow(next);
    },
    open: () => {
      if (currentRow) {
        void navigate(`/requests/${currentRow.id}`);
      }
    },
    approve: () => decideCurrent('approve'),
    reject: () => decideCurrent('reject'),
    search: () => searchRef.current?.focus(),
    help: () => setHelp(true),
  });

  const viewLabels: Record<QueueViewName, string> = {
    mine: t('queue.viewMine'),
    centre: t('queue.viewCentre'),
    all: t('queue.viewAll'),
  };
  const views = isAdmin ? (['all', 'centre'] as const) : QUEUE_VIEWS;

  return (
    <section aria-labelledby="queue-title">
      <header className="page-header">
        <div>
          <h1 id="queue-title">{t('queue.title')}</h1>
          <p className="muted">
            {isAdmin ? t('queue.allOrganizations') : t('queue.organization', { code: me.organizationCode ?? '' })}
          </p>
        </div>
        <div className="actions">
          {fresh > 0 && (
            <p className="new-badge" role="status">
              <span>{t('queue.newRequests', { count: fresh })}</span>{' '}
              <button
                type="button"
                onClick={() => {
                  paging.previous();
                  void client.invalidateQueries({ queryKey: requestKeys.all });
                }}
              >
                {t('queue.showNew')}
              </button>
            </p>
          )}
          <small className="muted">{t('queue.shortcutsHint')}</small>
        </div>
      </header>

      <nav className="views" aria-label={t('queue.views')}>
        {views.map((v) => (
          <button key={v} type="button" aria-pressed={view === v} onClick={() => update({ view: v })}>
            {viewLabels[v]}
          </button>
        ))}
      </nav>
      {view === 'centre' && !isAdmin && <p className="muted">{t('queue.centreHint')}</p>}

      <nav className="counts" aria-label={t('queue.perStatus')}>
        <button type="button" aria-pressed={statusParam === 'all'} onClick={() => update({ status: 'all' })}>
          {t('queue.all')} <span className="count">{countOf(all)}</span>
        </button>
        {REQUEST_STATUSES.filter((s) => s !== 'Requested').map((status) => (
          <button key={status} type="button" aria-pressed={statusParam === status} onClick={() => update({ status })}>
            {t(`status.${status}`)}{' '}
            <span className="count">{counts.data ? countOf(counts.data[status] ?? 0) : '…'}</span>
          </button>
        ))}
      </nav>

      <form className="filters" role="search" aria-label={t('queue.filterLabel')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('queue.search')}
          <input
            ref={searchRef}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={t('queue.searchPlaceholder')}
          />
        </label>
        <ChoiceSelect
          label={t('queue.statusLabel')}
          value={statusParam}
          anyLabel={t('queue.all')}
          anyValue="all"
          choices={REQUEST_STATUSES}
          choiceLabel={(s) => t(`status.${s}`)}
          onChange={(status) => update({ status: status ?? 'all' })}
        />
        <ChoiceSelect
          label={t('queue.kindLabel')}
          value={filter.kind ?? ''}
          anyLabel={t('queue.allKinds')}
          choices={REQUEST_KINDS}
          choiceLabel={(k) => t(`kind.${k}`)}
          onChange={(kind) => update({ kind: kind ?? '' })}
        />
        {isAdmin && (
          <label>
            {t('queue.organizationLabel')}
            <select value={filter.organizationCode ?? ''} onChange={(e) => update({ organization: e.target.value })}>
              <OrganizationOptions empty={t('queue.allOrganizations')} />
            </select>
          </label>
        )}
        <label>
          {t('queue.sortLabel')}
          <select
            value={filter.sort === 'oldest' ? 'oldest' : filter.sort === 'newest' ? 'newest' : ''}
            onChange={(e) => update({ sort: e.target.value })}
          >
            {filter.sort !== 'oldest' && filter.sort !== 'newest' && <option value="">—</option>}
            <option value="newest">{t('queue.newest')}</option>
            <option value="oldest">{t('queue.oldest')}</option>
          </select>
        </label>
      </form>

      <div className="bulk-bar" aria-live="polite">
        <span>{selected.length > 0 ? t('queue.selected', { count: selected.length }) : t('queue.selectHint')}</span>
        {bulkActions.map((action) => (
          <button
            key={action}
            type="button"
            className={action === 'approve' ? 'primary' : 'danger'}
            onClick={() => setBulk({ action, ids: selected.map((r) => r.id) })}
          >
            {t('queue.decideSelected', { action: t(`action.${action}`) })}
          </button>
        ))}
      </div>

      <ProblemAlert error={page.error} />
      <div ref={tableRef}>
        <DataTable
          table={table}
          caption={t('queue.caption')}
          loading={page.isFetching && page.isPlaceholderData}
          empty={t('queue.empty')}
          currentRowId={currentRow ? String(currentRow.id) : undefined}
          sort={{
            value: filter.sort === 'newest' ? '-oldest' : (filter.sort ?? '-oldest'),
            onChange: (value) => update({ sort: value === '-oldest' ? 'newest' : value }),
          }}
        />
      </div>
      <Pager
        page={paging.page}
        hasPrevious={paging.hasPrevious}
        hasNext={Boolean(page.data?.nextCursor)}
        onPrevious={paging.previous}
        onNext={() => page.data?.nextCursor && paging.next(page.data.nextCursor)}
      >
        <span className="muted total" aria-live="polite">
          {total === undefined
            ? ''
            : total >= COUNT_CAP
              ? t('table.totalMore', { count: COUNT_CAP })
              : t('table.total', { count: total })}
        </span>
        <label className="inline">
          {t('table.pageSize')}
          <select value={filter.limit} onChange={(e) => update({ size: e.target.value })}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      </Pager>

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
      {single && (
        <DecisionDialog
          request={single.row}
          action={single.action}
          onClose={() => setSingle(null)}
          returnFocus={(decided) => {
            if (!decided) {
              return tableRef.current?.querySelector<HTMLElement>(`tr[data-row-id="${single.row.id}"] a.row-link`);
            }
            const nextId = single.nextId;
            const row =
              nextId === undefined
                ? null
                : tableRef.current?.querySelector<HTMLElement>(`tr[data-row-id="${nextId}"] a.row-link`);
            if (row) {
              const index = [...(tableRef.current?.querySelectorAll('a.row-link') ?? [])].indexOf(row);
              setCurrent(Math.max(0, index));
            }
            return row ?? tableRef.current?.querySelector<HTMLElement>('a.row-link');
          }}
        />
      )}
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
    </section>
  );
}
