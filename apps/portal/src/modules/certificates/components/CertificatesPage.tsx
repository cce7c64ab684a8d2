import type { CertificateStatus } from '@enroll/contract';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ChoiceSelect } from '../../../shared/components/ChoiceSelect';
import { DataTable } from '../../../shared/components/DataTable';
import { Pager } from '../../../shared/components/Pager';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { formatDateTime, formatSerial } from '../../../shared/format';
import { usePaging } from '../../../shared/hooks/usePaging';
import { useMe } from '../../auth/hooks/session';
import { OrganizationOptions } from '../../organizations/components/OrganizationOptions';
import { certificateKeys, fetchCertificates, type Certificate, type CertificateFilter } from '../api/certificates';

const column = createColumnHelper<Certificate>();
const STATUSES: readonly CertificateStatus[] = ['valid', 'revoked', 'expired'];

/** Issued certificates with filters, including those that expire soon. */
export default function CertificatesPage() {
  const me = useMe();
  const isAdmin = me.role === 'admin';
  const [filter, setFilter] = useState<CertificateFilter>({ status: 'valid' });
  const [now] = useState(() => Date.now());
  const paging = usePaging(JSON.stringify(filter));
  const list = useQuery({
    queryKey: certificateKeys.list(filter, paging.cursor),
    queryFn: ({ signal }) => fetchCertificates(filter, paging.cursor, now, signal),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo(
    () => [
      column.accessor('serialNumber', { header: 'Serial number', cell: (c) => <Link className="mono" to={`/certificates/${c.getValue()}`}>{formatSerial(c.getValue())}</Link> }),
      column.accessor('commonName', { header: 'Common name', cell: (c) => <span className="mono">{c.getValue()}</span> }),
      column.accessor('profile', { header: 'Profile', meta: { width: '100px' } }),
      column.accessor('organizationCode', { header: 'Organization', meta: { width: '120px' }, cell: (c) => c.getValue() ?? '—' }),
      column.accessor('notAfter', { header: 'Valid until', meta: { width: '170px' }, cell: (c) => formatDateTime(c.getValue()) }),
      column.accessor('status', { header: 'Status', meta: { width: '100px' }, cell: (c) => <StatusBadge status={c.getValue()} /> }),
    ],
    [],
  );
  const data = useMemo(() => list.data?.items ?? [], [list.data]);
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), getRowId: (r) => r.serialNumber });

  return (
    <section aria-labelledby="certificates-title">
      <header className="page-header">
        <h1 id="certificates-title">Certificates</h1>
      </header>
      <form className="filters" aria-label="Filter certificates" onSubmit={(e) => e.preventDefault()}>
        <ChoiceSelect label="Status" value={filter.status ?? ''} anyLabel="All" choices={STATUSES} onChange={(status) => setFilter({ ...filter, status })} />
        {isAdmin && (
          <label>
            Organization
            <select value={filter.organizationCode ?? ''} onChange={(e) => setFilter({ ...filter, organizationCode: e.target.value || undefined })}>
              <OrganizationOptions empty="All organizations" />
            </select>
          </label>
        )}
        <label>
          Expiring within (days)
          <input
            type="number"
            min={1}
            max={3650}
            inputMode="numeric"
            value={filter.expiringWithinDays ?? ''}
            onChange={(e) => setFilter({ ...filter, expiringWithinDays: e.target.value ? Math.max(1, Number(e.target.value)) : undefined })}
            placeholder="any"
          />
        </label>
      </form>
      <ProblemAlert error={list.error} />
      <DataTable table={table} caption="Certificates" loading={list.isFetching} empty="No certificate matches." />
      <Pager page={paging.page} hasPrevious={paging.hasPrevious} hasNext={Boolean(list.data?.nextCursor)} onPrevious={paging.previous} onNext={() => list.data?.nextCursor && paging.next(list.data.nextCursor)} />
    </section>
  );
}
