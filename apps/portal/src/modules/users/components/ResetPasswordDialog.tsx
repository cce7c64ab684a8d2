import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Dialog } from '../../../shared/components/Dialog';
import { Field } from '../../../shared/components/Field';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { resetPassword, type User } from '../api/users';

// No 0/O, 1/l/I: the administrator reads it out or writes it down for the person.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** 20 characters of a 57-letter alphabet (about 116 bits), from the browser's CSPRNG. */
export function generatePassword(length = 20): string {
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      // Rejection sampling: bytes past the last whole alphabet would favour the first letters.
      if (byte < limit && out.length < length) {
        out += ALPHABET.charAt(byte % ALPHABET.length);
      }
    }
  }
  return out;
}

/**
 * An administrator sets a person's new password (the API takes it, it does not make one): typed,
 * or generated here and shown so that it can be passed on. The person's sessions end.
 */
export function ResetPasswordDialog({
  user,
  onClose,
  onDone,
}: {
  user: User;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const form = useForm<{ password: string }>({ defaultValues: { password: '' } });
  const reset = useMutation({
    mutationFn: (password: string) => resetPassword(user.id, password),
    onSuccess: onDone,
    onError: (error) => showFieldProblems(error, form.setError, ['password']),
  });
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={t('resetPassword.title', { username: user.username })}
      description={t('resetPassword.description')}
    >
      <form onSubmit={(e) => void form.handleSubmit((v) => reset.mutate(v.password))(e)} noValidate>
        <Field
          label={t('resetPassword.password')}
          hint={t('resetPassword.hint')}
          error={form.formState.errors.password?.message}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              {...form.register('password', {
                required: t('resetPassword.required'),
                minLength: { value: 12, message: t('resetPassword.length') },
              })}
            />
          )}
        </Field>
        <div className="actions">
          <button type="button" onClick={() => form.setValue('password', generatePassword(), { shouldValidate: true })}>
            {t('resetPassword.generate')}
          </button>
          <button type="button" onClick={onClose}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="primary" disabled={reset.isPending}>
            {reset.isPending ? t('action.working') : t('resetPassword.submit')}
          </button>
        </div>
        <ProblemAlert error={reset.error} />
      </form>
    </Dialog>
  );
}
