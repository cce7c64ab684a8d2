import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { useMe } from '../../auth/hooks/session';
import { clearSignInLimits, disableUser, enableUser, userKeys, type User } from '../api/users';
import { IssueCertificateDialog } from './IssueCertificateDialog';
import { ResetPasswordDialog } from './ResetPasswordDialog';
import { UserCertificatesDialog } from './UserCertificatesDialog';

/** Says on the page what an action did (a status line, announced). */
export type PersonDone = (message: string) => void;

type Open = 'password' | 'certificates' | 'issue' | null;

/**
 * What an administrator does to one account: disable or enable it, set a new password, lift its
 * sign-in limits, see and revoke its user certificates, issue a new one. Each button's visible
 * words start its accessible name, the person's name follows (WCAG 2.5.3, label in name).
 */
export function PersonActions({ user, onDone }: { user: User; onDone: PersonDone }) {
  const { t } = useTranslation();
  const me = useMe();
  const client = useQueryClient();
  const [open, setOpen] = useState<Open>(null);
  const resetButton = useRef<HTMLButtonElement>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: userKeys.all });
  const toggle = useMutation({
    mutationFn: (disable: boolean) => (disable ? disableUser(user.id) : enableUser(user.id)),
    onSuccess: (_, disable) => {
      refresh();
      onDone(t(disable ? 'managers.disabledDone' : 'managers.enabledDone', { username: user.username }));
    },
  });
  const lift = useMutation({
    mutationFn: () => clearSignInLimits(user.id),
    onSuccess: () => {
      refresh();
      onDone(t('managers.limitsLifted', { username: user.username }));
      // The lifted limits' button goes away with them: focus stays in the row, on its neighbour.
      resetButton.current?.focus();
    },
  });
  const who = (
    <>
      {' '}
      <span className="visually-hidden">{t('managers.forUser', { username: user.username })}</span>
    </>
  );
  const close = () => setOpen(null);
  return (
    <div className="row-actions">
      {user.id !== me.id && (
        // One button that changes its words, so that focus stays on it after the change.
        <button
          type="button"
          className={user.disabledAt ? undefined : 'danger'}
          // aria-disabled, not disabled: a browser takes focus away from a button that becomes disabled.
          aria-disabled={toggle.isPending}
          onClick={() =>
            toggle.isPending
              ? undefined
              : user.disabledAt
                ? toggle.mutate(false)
                : window.confirm(t('managers.disableConfirm', { username: user.username })) && toggle.mutate(true)
          }
        >
          {t(user.disabledAt ? 'managers.enable' : 'managers.disable')}
          {who}
        </button>
      )}
      <button type="button" ref={resetButton} onClick={() => setOpen('password')}>
        {t('managers.resetPassword')}
        {who}
      </button>
      {user.signInBlockedUntil && (
        <button type="button" disabled={lift.isPending} onClick={() => lift.mutate()}>
          {t('managers.liftLimits')}
          {who}
        </button>
      )}
      {user.role === 'manager' && (
        <>
          <button type="button" onClick={() => setOpen('certificates')}>
            {t('managers.certificates')}
            {who}
          </button>
          <button type="button" onClick={() => setOpen('issue')}>
            {t('managers.issue')}
            {who}
          </button>
        </>
      )}
      <ProblemAlert error={toggle.error ?? lift.error} />
      {open === 'password' && (
        <ResetPasswordDialog
          user={user}
          onClose={close}
          onDone={() => {
            close();
            refresh();
            onDone(t('managers.passwordDone', { username: user.username }));
          }}
        />
      )}
      {open === 'certificates' && <UserCertificatesDialog user={user} onClose={close} />}
      {open === 'issue' && <IssueCertificateDialog user={user} onClose={close} />}
    </div>
  );
}
