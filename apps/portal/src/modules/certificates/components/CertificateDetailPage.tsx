import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { LoadFailure } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { formatDateTime, formatDn, formatSerial } from '../../../shared/format';
import { useTitle } from '../../../shared/hooks/useTitle';
import { fetchRequest, requestKeys } from '../../requests/api/requests';
import { certificateKeys, fetchCertificate } from '../api/certificates';
import { DownloadLinks } from './DownloadLinks';

/** Extended key usages by OID (RFC 5280 4.2.1.12), for people. */
const EKUS: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

/** One certificate: decoded, with its request, its device's lineage, and the files. */
export default function CertificateDetailPage() {
  const { t } = useTranslation();
  const serial = useParams().serial ?? '';
  useTitle(t('title.certificate', { serial: formatSerial(serial).slice(0, 11) }));
  const certificate = useQuery({
    queryKey: certificateKeys.one(serial),
    queryFn: ({ signal }) => fetchCertificate(serial, signal),
  });
  const requestId = certificate.data?.requestId ?? null;
  const request = useQuery({
    queryKey: requestKeys.detail(requestId ?? 0),
    queryFn: ({ signal }) => fetchRequest(requestId ?? 0, signal),
    enabled: requestId !== null,
  });
  const c = certificate.data;
  const d = c?.decoded;
  return (
    <section aria-labelledby="certificate-title">
      <p className="breadcrumbs">
        <Link to="/certificates">{t('certificates.title')}</Link> / <span className="mono">{formatSerial(serial)}</span>
      </p>
      <h1 id="certificate-title">
        {t('certificates.detail')} {c && <StatusBadge status={c.status} />}
      </h1>
      {certificate.isPending && (
        <p className="muted" aria-busy="true">
          {t('app.loading')}
        </p>
      )}
      {certificate.isError && <LoadFailure error={certificate.error} what={t('certificates.detail')} />}
      {c && (
        <div className="grid">
          <section className="card" aria-labelledby="cert-facts-title">
            <h2 id="cert-facts-title">{c.commonName}</h2>
            <dl className="facts">
              <dt>{t('certificates.serialNumber')}</dt>
              <dd className="mono">{formatSerial(c.serialNumber)}</dd>
              <dt>{t('certificates.subject')}</dt>
              <dd className="mono">{formatDn(c.subject)}</dd>
              {d && (
                <>
                  <dt>{t('certificates.issuer')}</dt>
                  <dd className="mono">{formatDn(d.issuer)}</dd>
                </>
              )}
              <dt>{t('certificates.profile')}</dt>
              <dd>{c.profile}</dd>
              <dt>{t('certificates.organization')}</dt>
              <dd>{c.organizationCode ?? '—'}</dd>
              <dt>{t('certificates.validFrom')}</dt>
              <dd>{formatDateTime(c.notBefore)}</dd>
              <dt>{t('certificates.validUntil')}</dt>
              <dd>{formatDateTime(c.notAfter)}</dd>
              {d && (
                <>
                  <dt>{t('csr.publicKey')}</dt>
                  <dd>
                    {d.publicKey.algorithm.toUpperCase()}{' '}
                    {d.publicKey.size ? t('csr.bits', { size: d.publicKey.size }) : d.publicKey.curve}
                  </dd>
                  <dt>{t('csr.extendedKeyUsage')}</dt>
                  <dd>{d.extendedKeyUsage.map((o) => EKUS[o] ?? o).join(', ') || '—'}</dd>
                  {d.subjectAltName && (
                    <>
                      <dt>{t('csr.san')}</dt>
                      <dd className="mono">{d.subjectAltName}</dd>
                    </>
                  )}
                  <dt>SHA-256</dt>
                  <dd className="mono">{d.fingerprintSha256}</dd>
                </>
              )}
              {c.supersededBy && (
                <>
                  <dt>{t('certificates.supersededBy')}</dt>
                  <dd className="mono">
                    <Link to={`/certificates/${c.supersededBy}`}>{formatSerial(c.supersededBy)}</Link>{' '}
                    <small className="muted">{t('certificates.supersededNote')}</small>
                  </dd>
                </>
              )}
              {c.revokedAt && (
                <>
                  <dt>{t('certificates.revoked')}</dt>
                  <dd>
                    {t('certificates.revokedOn', {
                      when: formatDateTime(c.revokedAt),
                      reason: t(`revocationReason.${c.revocationReason ?? 'unspecified'}`),
                    })}
                  </dd>
                </>
              )}
            </dl>
            <DownloadLinks serial={c.serialNumber} />
          </section>
          {requestId !== null && (
            <section className="card" aria-labelledby="cert-request-title">
              <h2 id="cert-request-title">{t('certificates.request')}</h2>
              <dl className="facts">
                <dt>{t('certificates.request')}</dt>
                <dd>
                  <Link to={`/requests/${requestId}`}>{t('request.title', { id: requestId })}</Link>
                </dd>
                {request.data && (
                  <>
                    <dt>{t('certificates.requestedBy')}</dt>
                    <dd>{request.data.requestedBy}</dd>
                    <dt>{t('request.description')}</dt>
                    <dd className="wrap">{request.data.description ?? '—'}</dd>
                    <dt>{t('request.channel')}</dt>
                    <dd>{t(`channel.${request.data.channel}`)}</dd>
                  </>
                )}
              </dl>
              {request.data && request.data.lineage.length > 1 && (
                <>
                  <h3>{t('certificates.lineage')}</h3>
                  <ol className="lineage">
                    {request.data.lineage.map((l) => (
                      <li key={l.id}>
                        <Link to={`/requests/${l.id}`}>{t('request.title', { id: l.id })}</Link>{' '}
                        <StatusBadge status={l.status} />{' '}
                        {l.certificateSerial &&
                          (l.certificateSerial === c.serialNumber ? (
                            <strong className="mono">{formatSerial(l.certificateSerial).slice(0, 11)}…</strong>
                          ) : (
                            <Link className="mono" to={`/certificates/${l.certificateSerial}`}>
                              {formatSerial(l.certificateSerial).slice(0, 11)}…
                            </Link>
                          ))}
                      </li>
                    ))}
                  </ol>
                </>
              )}
            </section>
          )}
        </div>
      )}
    </section>
  );
}
