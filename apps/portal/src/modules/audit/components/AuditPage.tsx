import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../../shared/components/DataTable';
import { Pager } from '../../../shared/components/Pager';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { formatDateTime } from '../../../shared/format';
import { usePaging } from '../../../shared/hooks/usePaging';
import { useTitle } from '../../../shared/hooks/useTitle';
import { auditCsvHref, fetchAudit, type AuditEvent, type AuditFilter } from '../api/audit';

const column = createColumnHelper<AuditEvent>();

/** An action as a sentence; an action without one reads as its words (`request.size.invalid` → request › size › invalid). */
export function useActionLabel(): (action: string) => string {
  const { t, i18n } = useTranslation();
  return (action) => {
    const key = `auditAction.${action.replace(/\./g, '_')}`;
    return i18n.exists(key) ? t(key) : action.split('.').join(' › ');
  };
}

/** The details as `key: value` pairs, the address aside (it has its column). */
function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details).filter(([key]) => key !== 'ip');
  if (entries.length === 0) {
    return null;
  }
  return (
    <dl className="details">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>
            {typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
              ? String(value)
              : JSON.stringify(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

interface Inputs {
  requestId: string;
  actor: string;
  action: string;
  target: string;
  from: string;
  to: string;
}

const EMPTY: Inputs = { requestId: '', actor: '', action: '', target: '', from: '', to: '' };
/** A date field (YYYY-MM-DD, the reader's day) as the instant its day starts; `to` includes its whole day. */
const dayStart = (day: string, plusDays = 0): string | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    return undefined;
  }
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

/** Who did what, on what, when and from where, newest first; filtered, and exported as CSV. */
export default function AuditPage() {
  const { t } = useTranslation();
  useTitle(t('title.audit'));
  const actionLabel = useActionLabel();
  const [inputs, setInputs] = useState<Inputs>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>({});
  useEffect(() => {
    const timer = setTimeout(() => {
      const id = Number(inputs.requestId);
      setFilter({
        requestId: Number.isSafeInteger(id) && id > 0 ? id : undefined,
        actor: inputs.actor.trim() || undefined,
        action: inputs.action.trim() || undefined,
        target: inputs.target.trim() || undefined,
        from: dayStart(inputs.from),
        to: dayStart(inputs.to, 1),
      });
    }, 300);
    return () => clearTimeout(timer);
  }, [inputs]);
  const paging = usePaging(JSON.stringify(filter));
  const events = useQuery({
    queryKey: ['audit', filter, paging.cursor ?? null],
    queryFn: ({ signal }) => fetchAudit(filter, paging.cursor, signal),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo(
    () => [
      column.accessor('at', {
        header: t('audit.when'),
        meta: { width: '150px', className: 'nowrap' },
        cell: (c) => formatDateTime(c.getValue()),
      }),
      column.accessor('actor', {
        header: t('audit.who'),
        cell: (c) => (
          <>
            {c.getValue()} <small className="muted">({c.row.original.actorType})</small>
          </>
        ),
      }),
      column.accessor('action', {
        header: t('audit.what'),
        meta: { className: 'action' },
        cell: (c) => <span title={c.getValue()}>{actionLabel(c.getValue())}</span>,
      }),
      column.display({
        id: 'target',
        header: t('audit.onWhat'),
        cell: ({ row: { original: e } }) => (
          <>
            {e.requestId !== null && (
              <Link to={`/requests/${e.requestId}`}>{t('request.title', { id: e.requestId })}</Link>
            )}
            {e.requestId !== null && e.target && ' · '}
            {e.target && <span className="mono wrap">{e.target}</span>}
            {e.requestId === null && !e.target && '—'}
            {e.organizationCode && <small className="muted"> ({e.organizationCode})</small>}
          </>
        ),
      }),
      column.display({
        id: 'where',
        header: t('audit.where'),
        meta: { width: '130px' },
        cell: ({ row: { original: e } }) => (
          <span className="mono">{typeof e.details.ip === 'string' ? e.details.ip : '—'}</span>
        ),
      }),
      column.accessor('details', { header: t('audit.details'), cell: (c) => <Details details={c.getValue()} /> }),
    ],
    [t, actionLabel],
  );
  const data = useMemo(() => events.data?.items ?? [], [events.data]);
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), getRowId: (e) => String(e.id) });
  const field = (key: keyof Inputs) => ({
    value: inputs[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setInputs({ ...inputs, [key]: e.target.value }),
  });
  return (
    <section aria-labelledby="audit-title">
      <header className="page-header">
        <h1 id="audit-title">{t('audit.title')}</h1>
        <a className="button" href={auditCsvHref(filter)} download>
          {t('audit.csv')}
        </a>
      </header>
      <form className="filters" role="search" aria-label={t('audit.filterLabel')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('audit.actor')}
          <input {...field('actor')} placeholder={t('audit.exact')} />
        </label>
        <label>
          {t('audit.action')}
          <input {...field('action')} placeholder="request.approve" list="audit-actions" />
          <datalist id="audit-actions">
            {[
              'auth.login',
              'request.submit',
              'request.approve',
              'request.reject',
              'request.cancel',
              'request.revoke',
              'request.download',
              'request.install',
              'package.create',
              'package.disable',
              'user.create',
            ].map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          {t('audit.target')}
          <input {...field('target')} />
        </label>
        <label>
          {t('audit.requestId')}
          <input inputMode="numeric" {...field('requestId')} />
        </label>
        <label>
          {t('audit.from')}
          <input type="date" {...field('from')} />
        </label>
        <label>
          {t('audit.to')}
          <input type="date" {...field('to')} />
        </label>
      </form>
      <ProblemAlert error={events.error} />
      <DataTable
        table={table}
        caption={t('audit.caption')}
        loading={events.isFetching && events.isPlaceholderData}
        empty={t('audit.empty')}
      />
      <Pager
        page={paging.page}
        hasPrevious={paging.hasPrevious}
        hasNext={Boolean(events.data?.nextCursor)}
        onPrevious={paging.previous}
        onNext={() => events.data?.nextCursor && paging.next(events.data.nextCursor)}
      />
    </section>
  );
}
