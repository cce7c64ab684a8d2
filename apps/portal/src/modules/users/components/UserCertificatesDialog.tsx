import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../shared/components/Dialog';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { StatusBadge } from '../../../shared/components/StatusBadge';
import { formatDateTime } from '../../../shared/format';
import { DecisionForm } from '../../requests/components/DecisionForm';
import { fetchUserCertificates, revokeCertificate, userKeys, type User, type UserCertificate } from '../api/users';

/**
 * The user certificates issued to one person, newest first, each revocable with an RFC 5280
 * reason. The reason is asked for inside this dialog (no dialog over a dialog); after it, focus
 * goes back to the certificate's row.
 */
export function UserCertificatesDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const table = useRef<HTMLTableElement>(null);
  const [revoking, setRevoking] = useState<UserCertificate | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const certificates = useQuery({
    queryKey: userKeys.certificates(user.id),
    queryFn: ({ signal }) => fetchUserCertificates(user.id, signal),
  });
  // Back to the certificate's button; once revoked it has none, and the list itself takes focus.
  const backToRow = (serial: string) =>
    setTimeout(
      () => (table.current?.querySelector<HTMLElement>(`[data-serial="${serial}"]`) ?? table.current)?.focus(),
      0,
    );
  const revoke = useMutation({
    mutationFn: ({ serial, reason }: { serial: string; reason: Parameters<typeof revokeCertificate>[1] }) =>
      revokeCertificate(serial, reason),
    onSuccess: (revoked, { serial }) => {
      setRevoking(null);
      client.setQueryData<UserCertificate[]>(userKeys.certificates(user.id), (old) =>
        old?.map((c) => (c.serialNumber === serial ? revoked : c)),
      );
      void client.invalidateQueries({ queryKey: userKeys.certificates(user.id) });
      setRevoked(serial);
      backToRow(serial);
    },
  });
  const list = certificates.data ?? [];
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={t('userCertificates.title', { username: user.username })}
    >
      <ProblemAlert error={certificates.error} />
      {certificates.isPending ? (
        <p className="muted">{t('app.loading')}</p>
      ) : list.length === 0 ? (
        <p>{t('userCertificates.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table ref={table} tabIndex={-1}>
            <caption className="visually-hidden">{t('userCertificates.caption', { username: user.username })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('userCertificates.serialNumber')}</th>
                <th scope="col">{t('userCertificates.validFrom')}</th>
                <th scope="col">{t('userCertificates.validUntil')}</th>
                <th scope="col">{t('userCertificates.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('userCertificates.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.serialNumber}>
                  <td className="mono">{c.serialNumber}</td>
                  <td>{formatDateTime(c.notBefore)}</td>
                  <td>{formatDateTime(c.notAfter)}</td>
                  <td>
                    <StatusBadge status={c.status} />
                    {c.revokedAt && (
                      <small className="muted block">
                        {t('userCertificates.revokedOn', {
                          when: formatDateTime(c.revokedAt),
                          reason: t(`revocationReason.${c.revocationReason ?? 'unspecified'}`),
                        })}
                      </small>
                    )}
                  </td>
                  <td>
                    {c.status === 'valid' && (
                      <button
                        type="button"
                        className="danger"
                        data-serial={c.serialNumber}
                        aria-expanded={revoking?.serialNumber === c.serialNumber}
                        onClick={() => {
                          setRevoked(null);
                          setRevoking(c);
                        }}
                      >
                        {t('userCertificates.revoke')} <span className="visually-hidden">{c.serialNumber}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <section aria-label={t('userCertificates.revokeLabel', { serial: revoking.serialNumber })}>
          <h3>{t('userCertificates.revokeLabel', { serial: revoking.serialNumber })}</h3>
          <DecisionForm
            key={revoking.serialNumber}
            action="revoke"
            busy={revoke.isPending}
            onSubmit={(decision) =>
              decision.action === 'revoke' && revoke.mutate({ serial: revoking.serialNumber, reason: decision.reason })
            }
            onCancel={() => {
              setRevoking(null);
              revoke.reset();
              backToRow(revoking.serialNumber);
            }}
          />
          <ProblemAlert error={revoke.error} />
        </section>
      )}
      {/* Inside the dialog: the page behind it is hidden from assistive technology while it is open. */}
      <div role="status">
        {revoked && <p className="notice">{t('userCertificates.revoked', { serial: revoked })}</p>}
      </div>
    </Dialog>
  );
}
