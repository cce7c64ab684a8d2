import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { LoadFailure } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { formatDateTime, formatSerial } from '../../../shared/format';
import { certificateKeys, fetchCertificate } from '../api/certificates';
import { DownloadLinks } from './DownloadLinks';

/** One certificate: its names, validity, revocation, and the files. */
export default function CertificateDetailPage() {
  const serial = useParams().serial ?? '';
  const certificate = useQuery({ queryKey: certificateKeys.one(serial), queryFn: ({ signal }) => fetchCertificate(serial, signal) });
  return (
    <section aria-labelledby="certificate-title">
      <p className="breadcrumbs">
        <Link to="/certificates">Certificates</Link> / {serial}
      </p>
      <h1 id="certificate-title">Certificate {certificate.data && <StatusBadge status={certificate.data.status} />}</h1>
      {certificate.isPending && <p className="muted" aria-busy="true">Loading…</p>}
      {certificate.isError && <LoadFailure error={certificate.error} what="Certificate" />}
      {certificate.data && (
        <div className="card">
          <dl className="facts">
            <dt>Serial number</dt>
            <dd className="mono">{formatSerial(certificate.data.serialNumber)}</dd>
            <dt>Subject</dt>
            <dd className="mono">{certificate.data.subject}</dd>
            <dt>Profile</dt>
            <dd>{certificate.data.profile}</dd>
            <dt>Organization</dt>
            <dd>{certificate.data.organizationCode ?? '—'}</dd>
            <dt>Valid from</dt>
            <dd>{formatDateTime(certificate.data.notBefore)}</dd>
            <dt>Valid until</dt>
            <dd>{formatDateTime(certificate.data.notAfter)}</dd>
            {certificate.data.requestId !== null && (
              <>
                <dt>Request</dt>
                <dd>
                  <Link to={`/requests/${certificate.data.requestId}`}>{certificate.data.requestId}</Link>
                </dd>
              </>
            )}
            {certificate.data.supersededBy && (
              <>
                <dt>Superseded by</dt>
                <dd className="mono">
                  <Link to={`/certificates/${certificate.data.supersededBy}`}>{formatSerial(certificate.data.supersededBy)}</Link>{' '}
                  <small className="muted">(a renewal; this one stays valid until it expires)</small>
                </dd>
              </>
            )}
            {certificate.data.revokedAt && (
              <>
                <dt>Revoked</dt>
                <dd>
                  {formatDateTime(certificate.data.revokedAt)} ({certificate.data.revocationReason ?? 'unspecified'})
                </dd>
              </>
            )}
          </dl>
          <DownloadLinks serial={certificate.data.serialNumber} />
        </div>
      )}
    </section>
  );
}
