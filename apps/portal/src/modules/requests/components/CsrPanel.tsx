import { useTranslation } from 'react-i18next';
import { formatDn } from '../../../shared/format';
import type { Detail } from '../api/requests';

/** Signature algorithms by OID (RFC 5758, RFC 4055), for people; an unknown one shows its OID. */
const SIGNATURES: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'ECDSA with SHA-256',
  '1.2.840.10045.4.3.3': 'ECDSA with SHA-384',
  '1.2.840.10045.4.3.4': 'ECDSA with SHA-512',
  '1.2.840.113549.1.1.11': 'RSA with SHA-256',
  '1.2.840.113549.1.1.12': 'RSA with SHA-384',
  '1.2.840.113549.1.1.13': 'RSA with SHA-512',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
};

/** One requested list (key usages, EKUs) set against what the profile gives. */
function UsageRow({
  label,
  requested,
  profile,
}: {
  label: string;
  requested: readonly string[] | undefined;
  profile: readonly string[];
}) {
  const { t } = useTranslation();
  const asked = requested ?? [];
  const extra = asked.filter((u) => !profile.includes(u));
  const missing = asked.length > 0 ? profile.filter((u) => !asked.includes(u)) : [];
  const differs = extra.length > 0 || missing.length > 0;
  return (
    <>
      <dt>{label}</dt>
      <dd className={differs ? 'differs' : undefined}>
        {asked.length === 0 ? (
          <span className="muted">{t('csr.notRequested')}</span>
        ) : (
          asked.map((u) => (
            <span
              key={u}
              className={extra.includes(u) ? 'tag tag-differs' : 'tag'}
              title={extra.includes(u) ? t('csr.notInProfile') : undefined}
            >
              {u}
              {extra.includes(u) && <span className="visually-hidden"> ({t('csr.notInProfile')})</span>}
            </span>
          ))
        )}
        {differs && (
          <div className="differs-note" role="note">
            {t('csr.differs', { what: label.toLowerCase(), profile: profile.join(', ') || t('csr.none') })}{' '}
            {missing.length > 0 && <>{t('csr.missing', { list: missing.join(', ') })} </>}
            {t('csr.profileWins')}
          </div>
        )}
      </dd>
    </>
  );
}

/** The decoded CSR, with what differs from the profile of the request's kind highlighted. */
export function CsrPanel({ request }: { request: Detail }) {
  const { t } = useTranslation();
  const { csr, profile } = request;
  const key = csr.publicKey;
  const ext = csr.requestedExtensions;
  const knownOids = ['2.5.29.15', '2.5.29.37', '2.5.29.19', '2.5.29.17'];
  const otherOids = ext.oids.filter((o) => !knownOids.includes(o));
  return (
    <section className="card" aria-labelledby="csr-title">
      <h2 id="csr-title">{t('csr.title')}</h2>
      <dl className="facts">
        <dt>{t('csr.subject')}</dt>
        <dd className="mono">{formatDn(csr.subject)}</dd>
        <dt>{t('csr.publicKey')}</dt>
        <dd>
          {key.algorithm} {key.size ? t('csr.bits', { size: key.size }) : key.curve}
        </dd>
        <dt>{t('csr.signature')}</dt>
        <dd>{SIGNATURES[csr.signatureAlgorithm] ?? csr.signatureAlgorithm}</dd>
        <dt>{t('csr.profile')}</dt>
        <dd>{t(`kind.${request.kind}`)}</dd>
        <UsageRow label={t('csr.keyUsage')} requested={ext.keyUsage} profile={profile.keyUsage} />
        <UsageRow
          label={t('csr.extendedKeyUsage')}
          requested={ext.extendedKeyUsage}
          profile={profile.extendedKeyUsage}
        />
        {ext.basicConstraints && (
          <>
            <dt>{t('csr.basicConstraints')}</dt>
            <dd className={ext.basicConstraints.ca ? 'differs' : undefined}>
              {ext.basicConstraints.ca ? t('csr.caTrue') : t('csr.caFalse')}
            </dd>
          </>
        )}
        {ext.subjectAltNames && (
          <>
            <dt>{t('csr.san')}</dt>
            <dd>{ext.subjectAltNames.map((n) => `${n.type}:${n.value ?? `[${String(n.tag)}]`}`).join(', ')}</dd>
          </>
        )}
        {otherOids.length > 0 && (
          <>
            <dt>{t('csr.otherExtensions')}</dt>
            <dd className="differs">
              {otherOids.join(', ')} {t('csr.notCopied')}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
