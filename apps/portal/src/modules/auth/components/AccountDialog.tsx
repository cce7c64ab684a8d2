import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { ApiError } from '../../../shared/api/http';
import { Dialog } from '../../../shared/components/Dialog';
import { Field } from '../../../shared/components/Field';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { changeOwnPassword } from '../api/auth';
import { PreferencesForm } from './PreferencesForm';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/**
 * One's own account: a new password, the current one asked first (other sessions end; this one
 * goes on), and where and how one's notifications are mailed.
 */
export function AccountDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const form = useForm<Values>({ defaultValues: { currentPassword: '', newPassword: '', confirm: '' } });
  const errors = form.formState.errors;
  const change = useMutation({
    mutationFn: (v: Values) => changeOwnPassword(v.currentPassword, v.newPassword),
    onSuccess: () => form.reset(),
    onError: (error) => {
      // A wrong current password is the person's typing, said at the field (the API answers 401 for it).
      if (error instanceof ApiError && error.problem.code === 'INVALID_CREDENTIALS') {
        form.setError('currentPassword', { type: 'server', message: t('account.wrongCurrent') });
      } else {
        showFieldProblems(error, form.setError, ['currentPassword', 'newPassword']);
      }
    },
  });
  const refused = change.error instanceof ApiError && change.error.problem.code === 'INVALID_CREDENTIALS';
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={t('account.title')}
      description={t('account.description')}
    >
      <form onSubmit={(e) => void form.handleSubmit((v) => change.mutate(v))(e)} noValidate>
        <Field label={t('account.current')} error={errors.currentPassword?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              {...form.register('currentPassword', { required: t('account.currentRequired') })}
            />
          )}
        </Field>
        <Field label={t('account.newPassword')} hint={t('account.newHint')} error={errors.newPassword?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('newPassword', {
                required: t('account.newRequired'),
                minLength: { value: 12, message: t('account.newLength') },
              })}
            />
          )}
        </Field>
        <Field label={t('account.confirm')} error={errors.confirm?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('confirm', {
                validate: (value, all) => value === all.newPassword || t('account.differ'),
              })}
            />
          )}
        </Field>
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="primary" disabled={change.isPending}>
            {change.isPending ? t('action.working') : t('account.submit')}
          </button>
        </div>
        <div role="status">{change.isSuccess && <p className="notice">{t('account.done')}</p>}</div>
        {!refused && <ProblemAlert error={change.error} />}
      </form>
      <PreferencesForm />
    </Dialog>
  );
}
