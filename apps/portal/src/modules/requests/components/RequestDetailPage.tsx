import type { DeviceDetails } from '@enroll/contract';
import type { Channel } from '@enroll/domain';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { LoadFailure } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { formatDateTime, formatSerial } from '../../../shared/format';
import { useMe } from '../../auth/hooks/session';
import { DownloadLinks } from '../../certificates/components/DownloadLinks';
import { fetchRequest, requestKeys } from '../api/requests';
import { ACTION_LABELS, offeredDecisions, type DecisionAction } from '../hooks/decisions';
import { CsrPanel } from './CsrPanel';
import { DecisionDialog } from './DecisionDialog';

/** How the approver reads the front door a request came through. */
const CHANNEL_LABELS: Record<Channel, string> = {
  client: 'enroll client',
  est: 'EST (RFC 7030)',
  scep: 'SCEP (RFC 8894)',
  renewal: 'Renewal over mutual TLS',
};

const DEVICE_FIELDS: readonly [keyof DeviceDetails, string][] = [
  ['machineName', 'Machine name'],
  ['fqdn', 'FQDN'],
  ['macAddress', 'MAC address'],
  ['nicId', 'NIC id'],
  ['processorId', 'Processor id'],
  ['osVersion', 'OS version'],
  ['osType', 'OS type'],
];

/** A request in full: what was asked, by whom, on which device, what happened, and what can be done. */
export function RequestDetailPage() {
  const me = useMe();
  const id = Number(useParams().id);
  const [action, setAction] = useState<DecisionAction | null>(null);
  const detail = useQuery({ queryKey: requestKeys.detail(id), queryFn: ({ signal }) => fetchRequest(id, signal), enabled: Number.isSafeInteger(id) && id > 0 });

  if (detail.isPending) {
    return (
      <section aria-busy="true" className="skeleton-page">
        <h1>Request {Number.isNaN(id) ? '' : id}</h1>
        <p className="muted">Loading…</p>
      </section>
    );
  }
  if (detail.isError) {
    return (
      <section>
        <h1>Request {Number.isNaN(id) ? '' : id}</h1>
        <LoadFailure error={detail.error} what={`Request ${String(id)}`} />
        <p>
          <Link to="/">Back to the queue</Link>
        </p>
      </section>
    );
  }
  const r = detail.data;
  const offered = r.canDecide ? offeredDecisions(me, r) : [];
  const device = DEVICE_FIELDS.filter(([key]) => r.device[key]);

  return (
    <section aria-labelledby="request-title">
      <header className="page-header">
        <div>
          <p className="breadcrumbs">
            <Link to="/">Review queue</Link> / Request {r.id}
          </p>
          <h1 id="request-title">
            Request {r.id} <StatusBadge status={r.status} />
          </h1>
          <p className="mono">{r.commonName}</p>
        </div>
        <div className="actions" aria-label="Decisions">
          {offered.map((a) => (
            <button key={a} type="button" className={a === 'approve' ? 'primary' : 'danger'} onClick={() => setAction(a)}>
              {ACTION_LABELS[a]}…
            </button>
          ))}
          {!r.canDecide && <p className="muted">Requests of kind {r.kind} are decided by a centre administrator.</p>}
        </div>
      </header>

      <div className="grid">
        <section className="card" aria-labelledby="summary-title">
          <h2 id="summary-title">Request</h2>
          <dl className="facts">
            <dt>Kind</dt>
            <dd>{r.kind}</dd>
            <dt>Enrollment type</dt>
            <dd>{r.enrollmentType}</dd>
            <dt>Channel</dt>
            <dd>{CHANNEL_LABELS[r.channel]}</dd>
            {r.renewalOf !== null && (
              <>
                <dt>Renews</dt>
                <dd>
                  <Link to={`/requests/${r.renewalOf}`}>Request {r.renewalOf}</Link> (its certificate stays valid until it expires)
                </dd>
              </>
            )}
            <dt>Organization</dt>
            <dd>{r.organizationCode}</dd>
            <dt>Requested by</dt>
            <dd>{r.requestedBy}</dd>
            <dt>Submitted</dt>
            <dd>{formatDateTime(r.submittedAt)}</dd>
            <dt>Phone</dt>
            <dd>{r.phone ?? '—'}</dd>
            <dt>Description</dt>
            <dd>{r.description ?? '—'}</dd>
            {r.rejectionReason && (
              <>
                <dt>Rejection reason</dt>
                <dd>{r.rejectionReason}</dd>
              </>
            )}
            {r.downloadedAt && (
              <>
                <dt>Downloaded</dt>
                <dd>
                  {formatDateTime(r.downloadedAt)} by {r.downloadedBy ?? '—'}
                </dd>
              </>
            )}
          </dl>
        </section>

        <section className="card" aria-labelledby="device-title">
          <h2 id="device-title">{r.kind === 'external' ? 'Server' : 'Device'}</h2>
          {device.length === 0 ? (
            <p className="muted">No device details were sent.</p>
          ) : (
            <dl className="facts">
              {device.map(([key, label]) => (
                <div key={key} className="fact">
                  <dt>{label}</dt>
                  <dd className="mono">{r.device[key]}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>

        <CsrPanel request={r} />

        {r.certificate && (
          <section className="card" aria-labelledby="certificate-title">
            <h2 id="certificate-title">Certificate</h2>
            <dl className="facts">
              <dt>Serial number</dt>
              <dd className="mono">
                <Link to={`/certificates/${r.certificate.serialNumber}`}>{formatSerial(r.certificate.serialNumber)}</Link>
              </dd>
              <dt>Subject</dt>
              <dd className="mono">{r.subject}</dd>
              <dt>Valid from</dt>
              <dd>{formatDateTime(r.certificate.notBefore)}</dd>
              <dt>Valid until</dt>
              <dd>{formatDateTime(r.certificate.notAfter)}</dd>
              <dt>Status</dt>
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
          <h2 id="lineage-title">Renewals of this device</h2>
          <table>
            <caption className="visually-hidden">The first request of this device, then each renewal</caption>
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col">Channel</th>
                <th scope="col">Submitted</th>
                <th scope="col">Certificate</th>
              </tr>
            </thead>
            <tbody>
              {r.lineage.map((l) => (
                <tr key={l.id} aria-current={l.id === r.id ? 'page' : undefined}>
                  <td>{l.id === r.id ? `Request ${l.id} (this one)` : <Link to={`/requests/${l.id}`}>Request {l.id}</Link>}</td>
                  <td>
                    <StatusBadge status={l.status} />
                  </td>
                  <td>{CHANNEL_LABELS[l.channel]}</td>
                  <td>{formatDateTime(l.submittedAt)}</td>
                  <td className="mono">{l.certificateSerial ? <Link to={`/certificates/${l.certificateSerial}`}>{formatSerial(l.certificateSerial)}</Link> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <table>
          <caption className="visually-hidden">What happened to request {r.id}</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">When</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
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
                <td>{h.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {action && <DecisionDialog request={r} action={action} onClose={() => setAction(null)} />}
    </section>
  );
}
