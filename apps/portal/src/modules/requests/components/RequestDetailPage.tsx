import type { DeviceDetails } from '@enroll/contract';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { LoadFailure } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { formatAge, formatDateTime, formatDn, formatSerial } from '../../../shared/format';
import { useTitle } from '../../../shared/hooks/useTitle';
import { useMe } from '../../auth/hooks/session';
import { DownloadLinks } from '../../certificates/components/DownloadLinks';
import { fetchRequest, requestKeys } from '../api/requests';
import { offeredDecisions, type DecisionAction } from '../hooks/decisions';
import { nextInQueue, queueHref } from '../hooks/queueMemory';
import { CsrPanel } from './CsrPanel';
import { DecisionDialog } from './DecisionDialog';

const DEVICE_FIELDS: readonly (keyof DeviceDetails)[] = [
  'machineName',
  'fqdn',
  'macAddress',
  'nicId',
  'processorId',
  'osVersion',
  'osType',
];

/** A request number as the address gives it: a positive whole number, or nothing to load. */
const requestId = (raw: string | undefined): number | undefined =>
  raw && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined;

/** A request in full: what was asked, by whom, on which device, what happened, and what can be done. */
export function RequestDetailPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const raw = useParams().id;
  const id = requestId(raw);
  const [action, setAction] = useState<{ action: DecisionAction; thenNext: boolean } | null>(null);
  const detail = useQuery({
    queryKey: requestKeys.detail(id ?? 0),
    queryFn: ({ signal }) => fetchRequest(id ?? 0, signal),
    enabled: id !== undefined,
  });
  useTitle(id === undefined ? t('title.notFound') : t('title.request', { id }));

  if (id === undefined) {
    return (
      <section>
        <h1>{t('title.notFound')}</h1>
        <p role="alert" className="card">
          {t('request.invalidId', { id: raw ?? '' })}
        </p>
        <p>
          <Link to={queueHref()}>{t('request.back')}</Link>
        </p>
      </section>
    );
  }
  if (detail.isPending) {
    return (
      <section aria-busy="true" className="skeleton-page">
        <h1 id="request-title" tabIndex={-1}>
          {t('request.title', { id })}
        </h1>
        <p className="muted">{t('app.loading')}</p>
      </section>
    );
  }
  if (detail.isError) {
    return (
      <section>
        <h1>{t('request.title', { id })}</h1>
        <LoadFailure error={detail.error} what={t('request.title', { id })} />
        <p>
          <Link to={queueHref()}>{t('request.back')}</Link>
        </p>
      </section>
    );
  }
  const r = detail.data;
  // A revocation's reason is an RFC 5280 code: say it in words.
  const reasonText = (reason: string | null) =>
    reason === null ? '—' : i18n.exists(`revocationReason.${reason}`) ? t(`revocationReason.${reason}`) : reason;
  const offered = r.canDecide ? offeredDecisions(me, r) : [];
  const next = nextInQueue(r.id);
  const device = DEVICE_FIELDS.filter((key) => r.device[key]);

  return (
    <section aria-labelledby="request-title">
      <header className="page-header">
        <div className="min0">
          <p className="breadcrumbs">
            <Link to={queueHref()}>{t('nav.queue')}</Link> / {t('request.breadcrumb', { id: r.id })}
          </p>
          <h1 id="request-title" tabIndex={-1}>
            {t('request.title', { id: r.id })} <StatusBadge status={r.status} />
          </h1>
          <p className="mono wrap">{r.commonName}</p>
        </div>
        <div className="actions" aria-label={t('request.decisions')}>
          {offered.includes('approve') && next !== undefined && (
            <button type="button" className="primary" onClick={() => setAction({ action: 'approve', thenNext: true })}>
              {t('action.approveNext')}…
            </button>
          )}
          {offered.map((a) => (
            <button
              key={a}
              type="button"
              className={a === 'approve' ? (next === undefined ? 'primary' : '') : 'danger'}
              onClick={() => setAction({ action: a, thenNext: false })}
            >
              {t(`action.${a}`)}…
            </button>
          ))}
          {!r.canDecide && <p className="muted">{t('request.centreDecides', { kind: t(`kind.${r.kind}`) })}</p>}
        </div>
      </header>

      <div className="grid">
        <section className="card" aria-labelledby="summary-title">
          <h2 id="summary-title">{t('request.summary')}</h2>
          <dl className="facts">
            <dt>{t('request.kind')}</dt>
            <dd>{t(`kind.${r.kind}`)}</dd>
            <dt>{t('request.enrollmentType')}</dt>
            <dd>{r.enrollmentType}</dd>
            <dt>{t('request.channel')}</dt>
            <dd>{t(`channel.${r.channel}`)}</dd>
            {r.renewalOf !== null && (
              <>
                <dt>{t('request.renews')}</dt>
                <dd>
                  <Link to={`/requests/${r.renewalOf}`}>{t('request.title', { id: r.renewalOf })}</Link>{' '}
                  {t('request.renewsNote')}
                </dd>
              </>
            )}
            <dt>{t('request.organization')}</dt>
            <dd>{r.organizationCode}</dd>
            <dt>{t('request.requestedBy')}</dt>
            <dd className="wrap">{r.requestedBy}</dd>
            <dt>{t('request.submitted')}</dt>
            <dd>
              {formatDateTime(r.submittedAt)}
              {r.status === 'Pending' && (
                <span className="muted">
                  {' '}
                  · {t('request.waiting')} {formatAge(r.submittedAt)}
                </span>
              )}
            </dd>
            <dt>{t('request.phone')}</dt>
            <dd>{r.phone ?? '—'}</dd>
            <dt>{t('request.description')}</dt>
            <dd className="wrap">{r.description ?? '—'}</dd>
            {r.rejectionReason && (
              <>
                <dt>{r.status === 'Cancelled' ? t('request.cancellationReason') : t('request.rejectionReason')}</dt>
                <dd className="wrap">{r.rejectionReason}</dd>
              </>
            )}
            {r.downloadedAt && (
              <>
                <dt>{t('request.downloaded')}</dt>
                <dd>
                  {t('request.downloadedBy', { when: formatDateTime(r.downloadedAt), who: r.downloadedBy ?? '—' })}
                </dd>
              </>
            )}
          </dl>
        </section>

        <section className="card" aria-labelledby="device-title">
          <h2 id="device-title">{r.kind === 'external' ? t('request.server') : t('request.device')}</h2>
          {device.length === 0 ? (
            <p className="muted">{t('request.noDevice')}</p>
          ) : (
            <dl className="facts">
              {device.map((key) => (
                <div key={key} className="fact">
                  <dt>{t(`request.deviceField.${key}`)}</dt>
                  <dd className="mono">{r.device[key]}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>

        <CsrPanel request={r} />

        {r.certificate && (
          <section className="card" aria-labelledby="certificate-title">
            <h2 id="certificate-title">{t('request.certificate')}</h2>
            <dl className="facts">
              <dt>{t('request.serialNumber')}</dt>
              <dd className="mono">
                <Link to={`/certificates/${r.certificate.serialNumber}`}>
                  {formatSerial(r.certificate.serialNumber)}
                </Link>
              </dd>
              <dt>{t('request.subject')}</dt>
              <dd className="mono">{formatDn(r.subject)}</dd>
              <dt>{t('request.validFrom')}</dt>
              <dd>{formatDateTime(r.certificate.notBefore)}</dd>
              <dt>{t('request.validUntil')}</dt>
              <dd>{formatDateTime(r.certificate.notAfter)}</dd>
              <dt>{t('request.status')}</dt>
              <dd>
                <StatusBadge status={r.certificate.status} />
              </dd>
            </dl>
            <DownloadLinks serial={r.certificate.serialNumber} />
          </section>
        )}
      </div>

      {r.lineage.length > 1 && (
        <section className="card" aria-labelledby="lineage-title">
          <h2 id="lineage-title">{t('request.lineage')}</h2>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{t('request.lineageCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('request.summary')}</th>
                  <th scope="col">{t('request.status')}</th>
                  <th scope="col">{t('request.channel')}</th>
                  <th scope="col">{t('request.submitted')}</th>
                  <th scope="col">{t('request.certificate')}</th>
                </tr>
              </thead>
              <tbody>
                {r.lineage.map((l) => (
                  <tr key={l.id} aria-current={l.id === r.id ? 'page' : undefined}>
                    <td>
                      {l.id === r.id ? (
                        t('request.thisOne', { id: l.id })
                      ) : (
                        <Link to={`/requests/${l.id}`}>{t('request.title', { id: l.id })}</Link>
                      )}
                    </td>
                    <td>
                      <StatusBadge status={l.status} />
                    </td>
                    <td>{t(`channel.${l.channel}`)}</td>
                    <td>{formatDateTime(l.submittedAt)}</td>
                    <td className="mono">
                      {l.certificateSerial ? (
                        <Link to={`/certificates/${l.certificateSerial}`}>{formatSerial(l.certificateSerial)}</Link>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">{t('request.history')}</h2>
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('request.historyCaption', { id: r.id })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('request.status')}</th>
                <th scope="col">{t('request.when')}</th>
                <th scope="col">{t('request.by')}</th>
                <th scope="col">{t('request.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {r.history.map((h, i) => (
                <tr key={i}>
                  <td>
                    <StatusBadge status={h.status} />
                  </td>
                  <td>{formatDateTime(h.at)}</td>
                  <td>
                    {h.actor} <small className="muted">({h.actorType})</small>
                  </td>
                  <td className="wrap">{reasonText(h.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {action && (
        <DecisionDialog
          request={r}
          action={action.action}
          onClose={() => setAction(null)}
          onDecided={() => {
            if (action.thenNext && next !== undefined) {
              void navigate(`/requests/${next}`);
            }
          }}
          returnFocus={(decided) => (decided && action.thenNext ? document.getElementById('request-title') : null)}
        />
      )}
    </section>
  );
}
