import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { saveFile } from '../../../shared/api/http';
import { Dialog } from '../../../shared/components/Dialog';
import { Field } from '../../../shared/components/Field';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { issueUserCertificate, type User } from '../api/users';

interface Values {
  password: string;
  confirm: string;
}

/** Issues a manager's user certificate as PKCS #12; the password is typed twice and never kept. */
export function IssueCertificateDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const form = useForm<Values>({ defaultValues: { password: '', confirm: '' } });
  const errors = form.formState.errors;
  const issue = useMutation({
    mutationFn: (password: string) => issueUserCertificate(user.id, password),
    onSuccess: ({ blob, filename }) => {
      saveFile(blob, filename);
      onClose();
    },
  });
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`User certificate for ${user.username}`}
      description="A PKCS #12 file with the key and certificate, protected by this password."
    >
      <form onSubmit={(e) => void form.handleSubmit((v) => issue.mutate(v.password))(e)} noValidate>
        <Field label="File password" hint="At least 8 characters." error={errors.password?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('password', {
                required: 'Enter a password.',
                minLength: { value: 8, message: 'Use at least 8 characters.' },
              })}
            />
          )}
        </Field>
        <Field label="Password again" error={errors.confirm?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('confirm', {
                validate: (value, all) => value === all.password || 'The two passwords differ.',
              })}
            />
          )}
        </Field>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={issue.isPending}>
            {issue.isPending ? 'Issuing…' : 'Issue and download'}
          </button>
        </div>
        <ProblemAlert error={issue.error} />
      </form>
    </Dialog>
  );
}
