import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { saveFile } from '../../../shared/api/http';
import { Dialog } from '../../../shared/components/Dialog';
import { Field } from '../../../shared/components/Field';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { fetchUserCertificates, issueUserCertificate, userKeys, type User } from '../api/users';

interface Values {
  password: string;
  confirm: string;
  revokePrevious: boolean;
}

/**
 * Issues a manager's user certificate as PKCS #12; the password is typed twice and never kept.
 * It offers to revoke the person's valid certificates (superseded): a replaced one should not
 * keep working.
 */
export function IssueCertificateDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const previous = useQuery({
    queryKey: userKeys.certificates(user.id),
    queryFn: ({ signal }) => fetchUserCertificates(user.id, signal),
  });
  const valid = previous.data?.filter((c) => c.status === 'valid').length;
  const form = useForm<Values>({ defaultValues: { password: '', confirm: '', revokePrevious: false } });
  const errors = form.formState.errors;
  const issue = useMutation({
    mutationFn: (v: Values) => issueUserCertificate(user.id, v.password, v.revokePrevious),
    onSuccess: ({ blob, filename }) => {
      saveFile(blob, filename);
      void client.invalidateQueries({ queryKey: userKeys.certificates(user.id) });
      onClose();
    },
  });
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={t('issueCertificate.title', { username: user.username })}
      description={t('issueCertificate.description')}
    >
      <form onSubmit={(e) => void form.handleSubmit((v) => issue.mutate(v))(e)} noValidate>
        <Field
          label={t('issueCertificate.password')}
          hint={t('issueCertificate.hint')}
          error={errors.password?.message}
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('password', {
                required: t('issueCertificate.required'),
                minLength: { value: 8, message: t('issueCertificate.length') },
              })}
            />
          )}
        </Field>
        <Field label={t('issueCertificate.confirm')} error={errors.confirm?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('confirm', {
                validate: (value, all) => value === all.password || t('issueCertificate.differ'),
              })}
            />
          )}
        </Field>
        <div className="field">
          <label>
            <input type="checkbox" aria-describedby="revoke-previous-hint" {...form.register('revokePrevious')} />{' '}
            {t('issueCertificate.revokePrevious')}
          </label>
          <small id="revoke-previous-hint" className="muted">
            {valid === undefined
              ? ''
              : valid === 0
                ? t('issueCertificate.noPrevious')
                : t('issueCertificate.revokePreviousHint', { count: valid })}
          </small>
        </div>
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="primary" disabled={issue.isPending}>
            {issue.isPending ? t('issueCertificate.submitting') : t('issueCertificate.submit')}
          </button>
        </div>
        <ProblemAlert error={issue.error} />
      </form>
    </Dialog>
  );
}
