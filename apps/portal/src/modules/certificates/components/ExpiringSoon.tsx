import type { ExpiringCounts } from '@enroll/contract';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { formatNumber } from '../../../shared/format';
import { certificateKeys, expiringLink, fetchExpiring } from '../api/certificates';

/** The windows shown, in days, with the field of each. */
export const EXPIRY_WINDOWS = [
  [1, 'within1Day'],
  [7, 'within7Days'],
  [30, 'within30Days'],
] as const satisfies readonly (readonly [number, keyof ExpiringCounts])[];

/** One count, linked to the certificates behind it (a zero is plain text: nothing to open). */
function CountLink({ days, count, organization }: { days: number; count: number; organization?: string }) {
  const { t } = useTranslation();
  if (count === 0) {
    return <span className="muted">0</span>;
  }
  return (
    <Link
      to={expiringLink(days, organization)}
      aria-label={t('certificates.expiringCount', {
        count: formatNumber(count),
        days,
        organization: organization ?? t('certificates.allOrganizations'),
      })}
    >
      {formatNumber(count)}
    </Link>
  );
}

/**
 * What still needs a renewal: valid certificates not yet superseded whose end falls within 1, 7
 * and 30 days, per organization (a manager's own only), each count a link to its list.
 */
export function ExpiringSoon({ showOrganizations }: { showOrganizations: boolean }) {
  const { t } = useTranslation();
  const expiring = useQuery({
    queryKey: certificateKeys.expiring,
    queryFn: ({ signal }) => fetchExpiring(signal),
    refetchInterval: 300_000,
  });
  const data = expiring.data;
  // A manager sees one organization: the total row is theirs, named by its code.
  const own = showOrganizations ? undefined : data?.organizations[0]?.organizationCode;
  return (
    <section className="card expiring" aria-labelledby="expiring-title">
      <h2 id="expiring-title">{t('certificates.expiringSoon')}</h2>
      <ProblemAlert error={expiring.error} />
      {!data ? (
        !expiring.error && <p className="muted">{t('app.loading')}</p>
      ) : data.total.within30Days === 0 ? (
        <p className="muted">{t('certificates.nothingExpiring')}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t('certificates.expiringSoon')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('certificates.organization')}</th>
              {EXPIRY_WINDOWS.map(([days, field]) => (
                <th scope="col" key={days}>
                  {t(`certificates.${field}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(showOrganizations ? data.organizations : []).map((o) => (
              <tr key={o.organizationCode}>
                <th scope="row" title={o.organizationName}>
                  {o.organizationCode}
                </th>
                {EXPIRY_WINDOWS.map(([days, field]) => (
                  <td key={days}>
                    <CountLink days={days} count={o[field]} organization={o.organizationCode} />
                  </td>
                ))}
              </tr>
            ))}
            <tr className="total">
              <th scope="row">{own ?? t('certificates.allOrganizations')}</th>
              {EXPIRY_WINDOWS.map(([days, field]) => (
                <td key={days}>
                  <CountLink days={days} count={data.total[field]} {...(own ? { organization: own } : {})} />
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
