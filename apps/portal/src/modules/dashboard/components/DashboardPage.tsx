import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { formatAge, formatNumber } from '../../../shared/format';
import { useTitle } from '../../../shared/hooks/useTitle';
import { i18n } from '../../../i18n';
import { expiringLink } from '../../certificates/api/certificates';
import { EXPIRY_WINDOWS } from '../../certificates/components/ExpiringSoon';
import { fetchDashboard, type Dashboard } from '../api/dashboard';
import { BarChart } from './BarChart';

const DAY = 86_400_000;

/** The last 30 days, each with its count (days without requests count 0). */
function days(data: Dashboard, now: number): { labels: string[]; values: number[]; keys: string[] } {
  const counts = new Map(data.requestsPerDay.map((d) => [d.day, d.count]));
  const format = new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const keys = Array.from({ length: 30 }, (_, i) => new Date(now - (29 - i) * DAY).toISOString().slice(0, 10));
  return {
    keys,
    labels: keys.map((k) => format.format(new Date(`${k}T00:00:00Z`))),
    values: keys.map((k) => counts.get(k) ?? 0),
  };
}

/** The next 12 months, each with the certificates that expire in it. */
function months(data: Dashboard, now: number): { labels: string[]; values: number[] } {
  const counts = new Map(data.expiringPerMonth.map((m) => [m.month, m.count]));
  const format = new Intl.DateTimeFormat(i18n.language, { month: 'short', year: '2-digit', timeZone: 'UTC' });
  const start = new Date(now);
  const keys = Array.from(
    { length: 12 },
    (_, i) => new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1)),
  );
  return {
    labels: keys.map((d) => format.format(d)),
    values: keys.map((d) => counts.get(d.toISOString().slice(0, 7)) ?? 0),
  };
}

/** A chart and, for screen readers and copy, its figures as a table. */
function ChartCard({ id, title, labels, values }: { id: string; title: string; labels: string[]; values: number[] }) {
  const { t } = useTranslation();
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>
        {title} <small className="muted">({formatNumber(total)})</small>
      </h2>
      <BarChart labels={labels} values={values} label={title} summary={`${title}: ${formatNumber(total)}`} />
      <table className="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              <td>{t('dashboard.chartSummary', { label: l, value: values[i] ?? 0 })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The overview: what waits, for how long, what came in, and what will expire. */
export default function DashboardPage() {
  const { t } = useTranslation();
  useTitle(t('title.dashboard'));
  const dashboard = useQuery({
    queryKey: ['dashboard'],
    queryFn: ({ signal }) => fetchDashboard(signal),
    refetchInterval: 60_000,
  });
  const now = useMemo(
    () => (dashboard.data ? new Date(dashboard.data.generatedAt).getTime() : Date.now()),
    [dashboard.data],
  );
  const perDay = useMemo(() => (dashboard.data ? days(dashboard.data, now) : null), [dashboard.data, now]);
  const perMonth = useMemo(() => (dashboard.data ? months(dashboard.data, now) : null), [dashboard.data, now]);
  const pending = dashboard.data?.pendingByOrganization ?? [];
  const max = pending.reduce((m, p) => Math.max(m, p.count), 1);

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">{t('dashboard.title')}</h1>
      <ProblemAlert error={dashboard.error} />
      {!dashboard.data ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        <div className="grid">
          <section className="card" aria-labelledby="soon-title">
            <h2 id="soon-title">{t('certificates.expiringSoon')}</h2>
            <dl className="glance">
              {EXPIRY_WINDOWS.map(([days, field]) => (
                <div key={days}>
                  <dt>{t(`certificates.${field}`)}</dt>
                  <dd>
                    <Link to={expiringLink(days)}>{formatNumber(dashboard.data.expiringSoon[field])}</Link>
                  </dd>
                </div>
              ))}
            </dl>
          </section>
          <section className="card" aria-labelledby="pending-title">
            <h2 id="pending-title">{t('dashboard.pendingByOrganization')}</h2>
            {pending.length === 0 ? (
              <p className="muted">{t('dashboard.noPending')}</p>
            ) : (
              <table className="bars">
                <caption className="visually-hidden">{t('dashboard.pendingByOrganization')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('dashboard.organization')}</th>
                    <th scope="col">{t('queue.col.kind')}</th>
                    <th scope="col">{t('dashboard.count')}</th>
                  </tr>
                </thead>
                <tbody>
                  {pending.map((p) => (
                    <tr key={`${p.organizationCode}-${p.kind}`}>
                      <td>
                        <Link
                          to={`/?status=Pending&view=all&kind=${p.kind}&organization=${encodeURIComponent(p.organizationCode)}`}
                        >
                          {p.organizationCode}
                        </Link>
                      </td>
                      <td>{t(`kind.${p.kind}`)}</td>
                      <td>
                        <div className="bar-cell">
                          <span
                            className="bar"
                            style={{ width: `${Math.max(4, (p.count / max) * 100)}%` }}
                            aria-hidden="true"
                          />
                          <span>{formatNumber(p.count)}</span>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-labelledby="oldest-title">
            <h2 id="oldest-title">{t('dashboard.oldest')}</h2>
            {dashboard.data.oldestPending.length === 0 ? (
              <p className="muted">{t('dashboard.noPending')}</p>
            ) : (
              <ol className="oldest">
                {dashboard.data.oldestPending.map((o) => (
                  <li key={o.id}>
                    <Link to={`/requests/${o.id}`}>{t('request.title', { id: o.id })}</Link> · {o.requestedBy} ·{' '}
                    {o.organizationCode} · {t(`kind.${o.kind}`)}{' '}
                    <span className="muted">
                      ({t('dashboard.waitingSince', { age: formatAge(o.submittedAt, now) })})
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </section>
          {perDay && (
            <ChartCard id="per-day-title" title={t('dashboard.perDay')} labels={perDay.labels} values={perDay.values} />
          )}
          {perMonth && (
            <ChartCard
              id="per-month-title"
              title={t('dashboard.expiring')}
              labels={perMonth.labels}
              values={perMonth.values}
            />
          )}
        </div>
      )}
    </section>
  );
}
