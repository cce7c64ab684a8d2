import type { CertificateStatus } from '@enroll/contract';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ChoiceSelect } from '../../../shared/components/ChoiceSelect';
import { DataTable } from '../../../shared/components/DataTable';
import { Pager } from '../../../shared/components/Pager';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { Truncated } from '../../../shared/components/Truncated';
import { formatDate, formatSerial } from '../../../shared/format';
import { usePaging } from '../../../shared/hooks/usePaging';
import { useTitle } from '../../../shared/hooks/useTitle';
import { useMe } from '../../auth/hooks/session';
import { OrganizationOptions } from '../../organizations/components/OrganizationOptions';
import { ExpiringSoon } from './ExpiringSoon';
import {
  CERTIFICATE_KINDS,
  certificateKeys,
  fetchCertificates,
  type Certificate,
  type CertificateFilter,
  type CertificateKind,
} from '../api/certificates';

const column = createColumnHelper<Certificate>();
const STATUSES: readonly CertificateStatus[] = ['valid', 'revoked', 'expired'];
const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | undefined =>
  allowed.find((a) => a === value);

/** Issued certificates: what expires soon per organization, then search and filters (organization, kind, status, expiring, not renewed) kept in the address. */
export default function CertificatesPage() {
  const { t } = useTranslation();
  useTitle(t('title.certificates'));
  const me = useMe();
  const isAdmin = me.role === 'admin';
  const [params, setParams] = useSearchParams();
  const days = Number(params.get('expiring'));
  const filter = useMemo<CertificateFilter>(
    () => ({
      status: params.has('status') ? pick(params.get('status'), STATUSES) : 'valid',
      organizationCode: params.get('organization') ?? undefined,
      kind: pick<CertificateKind>(params.get('kind'), CERTIFICATE_KINDS),
      q: params.get('q') ?? undefined,
      expiringWithinDays: Number.isInteger(days) && days > 0 ? Math.min(days, 3650) : undefined,
      renewed: params.get('renewed') === 'false' ? false : undefined,
    }),
    [params, days],
  );
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined) {
            next.delete(key);
          } else {
            next.set(key, value);
          }
        }
        return next;
      },
      { replace: true },
    );
  const [search, setSearch] = useState(filter.q ?? '');
  useEffect(() => {
    if (search.trim() === (filter.q ?? '')) {
      return;
    }
    const timer = setTimeout(() => update({ q: search.trim() || undefined }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);
  const [now] = useState(() => Date.now());
  const paging = usePaging(JSON.stringify(filter));
  const list = useQuery({
    queryKey: certificateKeys.list(filter, paging.cursor),
    queryFn: ({ signal }) => fetchCertificates(filter, paging.cursor, now, signal),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo(
    () => [
      column.accessor('serialNumber', {
        header: t('certificates.serialNumber'),
        meta: { width: '200px', className: 'nowrap' },
        cell: (c) => (
          <Link className="mono" to={`/certificates/${c.getValue()}`} title={formatSerial(c.getValue())}>
            {formatSerial(c.getValue()).slice(0, 17)}…
          </Link>
        ),
      }),
      column.accessor('commonName', {
        header: t('certificates.commonName'),
        meta: { className: 'nowrap' },
        cell: (c) => <Truncated value={c.getValue()} keep={14} />,
      }),
      column.accessor('profile', {
        header: t('certificates.kind'),
        meta: { width: '130px' },
        cell: (c) =>
          c.getValue() in { workstation: 1, server: 1, mobile: 1, external: 1 }
            ? t(`kind.${c.getValue()}`)
            : c.getValue(),
      }),
      column.accessor('organizationCode', {
        header: t('certificates.organization'),
        meta: { width: '120px' },
        cell: (c) => c.getValue() ?? '—',
      }),
      column.accessor('notAfter', {
        header: t('certificates.validUntil'),
        meta: { width: '140px', className: 'nowrap' },
        cell: (c) => formatDate(c.getValue()),
      }),
      column.accessor('status', {
        header: t('certificates.status'),
        meta: { width: '100px' },
        cell: (c) => <StatusBadge status={c.getValue()} />,
      }),
    ],
    [t],
  );
  const data = useMemo(() => list.data?.items ?? [], [list.data]);
  const table = useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.serialNumber,
    state: { columnVisibility: { organizationCode: isAdmin } },
  });

  return (
    <section aria-labelledby="certificates-title">
      <header className="page-header">
        <h1 id="certificates-title">{t('certificates.title')}</h1>
      </header>
      <ExpiringSoon showOrganizations={isAdmin} />
      <form
        className="filters"
        role="search"
        aria-label={t('certificates.filterLabel')}
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          {t('certificates.search')}
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={t('certificates.searchPlaceholder')}
          />
        </label>
        <ChoiceSelect
          label={t('certificates.status')}
          value={filter.status ?? ''}
          anyLabel={t('certificates.all')}
          choices={STATUSES}
          choiceLabel={(s) => t(`status.${s}`)}
          onChange={(status) => update({ status: status ?? '' })}
        />
        <ChoiceSelect
          label={t('certificates.kind')}
          value={filter.kind ?? ''}
          anyLabel={t('certificates.allKinds')}
          choices={CERTIFICATE_KINDS}
          choiceLabel={(k) => (k === 'manager' ? t('nav.managers') : t(`kind.${k}`))}
          onChange={(kind) => update({ kind })}
        />
        {isAdmin && (
          <label>
            {t('certificates.organization')}
            <select
              value={filter.organizationCode ?? ''}
              onChange={(e) => update({ organization: e.target.value || undefined })}
            >
              <OrganizationOptions empty={t('certificates.allOrganizations')} />
            </select>
          </label>
        )}
        <label>
          {t('certificates.expiringWithin')}
          <input
            type="number"
            min={1}
            max={3650}
            inputMode="numeric"
            value={filter.expiringWithinDays ?? ''}
            onChange={(e) =>
              update({ expiring: e.target.value ? String(Math.max(1, Number(e.target.value))) : undefined })
            }
            placeholder={t('certificates.any')}
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={filter.renewed === false}
            onChange={(e) => update({ renewed: e.target.checked ? 'false' : undefined })}
          />
          {t('certificates.notRenewed')}
        </label>
      </form>
      <ProblemAlert error={list.error} />
      <DataTable
        table={table}
        caption={t('certificates.caption')}
        loading={list.isFetching && list.isPlaceholderData}
        empty={t('certificates.empty')}
      />
      <Pager
        page={paging.page}
        hasPrevious={paging.hasPrevious}
        hasNext={Boolean(list.data?.nextCursor)}
        onPrevious={paging.previous}
        onNext={() => list.data?.nextCursor && paging.next(list.data.nextCursor)}
      />
    </section>
  );
}
