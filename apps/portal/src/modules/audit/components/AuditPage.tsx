import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { DataTable } from '../../../shared/components/DataTable';
import { Pager } from '../../../shared/components/Pager';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { formatDateTime } from '../../../shared/format';
import { usePaging } from '../../../shared/hooks/usePaging';
import { fetchAudit, type AuditEvent, type AuditFilter } from '../api/audit';

const column = createColumnHelper<AuditEvent>();

/** Who did what and when, newest first. */
export default function AuditPage() {
  const [inputs, setInputs] = useState({ requestId: '', actor: '' });
  const [filter, setFilter] = useState<AuditFilter>({});
  useEffect(() => {
    const timer = setTimeout(() => {
      const id = Number(inputs.requestId);
      setFilter({ requestId: Number.isSafeInteger(id) && id > 0 ? id : undefined, actor: inputs.actor.trim() || undefined });
    }, 300);
    return () => clearTimeout(timer);
  }, [inputs]);
  const paging = usePaging(JSON.stringify(filter));
  const events = useQuery({ queryKey: ['audit', filter, paging.cursor ?? null], queryFn: ({ signal }) => fetchAudit(filter, paging.cursor, signal), placeholderData: keepPreviousData });
  const columns = useMemo(
    () => [
      column.accessor('at', { header: 'When', meta: { width: '170px' }, cell: (c) => formatDateTime(c.getValue()) }),
      column.accessor('actor', { header: 'Actor', cell: (c) => `${c.getValue()} (${c.row.original.actorType})` }),
      column.accessor('action', { header: 'Action', cell: (c) => <code>{c.getValue()}</code> }),
      column.accessor('requestId', { header: 'Request', meta: { width: '90px' }, cell: (c) => { const id = c.getValue(); return id === null ? '—' : <Link to={`/requests/${id}`}>{id}</Link>; } }),
      column.accessor('organizationCode', { header: 'Organization', meta: { width: '120px' }, cell: (c) => c.getValue() ?? '—' }),
      column.accessor('details', { header: 'Details', cell: (c) => <code className="details">{Object.keys(c.getValue()).length ? JSON.stringify(c.getValue()) : ''}</code> }),
    ],
    [],
  );
  const data = useMemo(() => events.data?.items ?? [], [events.data]);
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), getRowId: (e) => String(e.id) });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <label>
          Request id
          <input inputMode="numeric" value={inputs.requestId} onChange={(e) => setInputs({ ...inputs, requestId: e.target.value })} />
        </label>
        <label>
          Actor
          <input value={inputs.actor} onChange={(e) => setInputs({ ...inputs, actor: e.target.value })} placeholder="exact name" />
        </label>
      </form>
      <ProblemAlert error={events.error} />
      <DataTable table={table} caption="Audit events" loading={events.isFetching} empty="No event matches." />
      <Pager page={paging.page} hasPrevious={paging.hasPrevious} hasNext={Boolean(events.data?.nextCursor)} onPrevious={paging.previous} onNext={() => events.data?.nextCursor && paging.next(events.data.nextCursor)} />
    </section>
  );
}
