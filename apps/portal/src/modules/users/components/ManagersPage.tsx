import { ROLES, type Role } from '@enroll/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Field } from '../../../shared/components/Field';
import { ListTable } from '../../../shared/components/ListTable';
import { FormActions } from '../../../shared/components/FormActions';
import { formatDate, formatDateTime } from '../../../shared/format';
import { useTitle } from '../../../shared/hooks/useTitle';
import { OrganizationOptions } from '../../organizations/components/OrganizationOptions';
import { createUser, fetchUsers, userKeys, type User } from '../api/users';
import { PersonActions, type PersonDone } from './PersonActions';

const column = createColumnHelper<User>();

interface Values {
  username: string;
  password: string;
  role: Role;
  organizationCode: string;
  email: string;
}

/** Enrollment managers (one organization each) and administrators, and what an administrator does to an account. */
export default function ManagersPage() {
  const { t } = useTranslation();
  useTitle(t('title.managers'));
  const client = useQueryClient();
  const users = useQuery({ queryKey: userKeys.all, queryFn: ({ signal }) => fetchUsers(signal) });
  const [done, setDone] = useState<string | null>(null);
  const form = useForm<Values>({
    defaultValues: { username: '', password: '', role: 'manager', organizationCode: '', email: '' },
  });
  const errors = form.formState.errors;
  const role = form.watch('role');
  const columns = useMemo(() => {
    const onDone: PersonDone = (message) => setDone(message);
    return [
      column.accessor('username', { header: t('managers.username') }),
      column.accessor('role', {
        header: t('managers.role'),
        cell: (c) => (c.getValue() === 'manager' ? t('managers.roleManager') : t('managers.roleAdmin')),
      }),
      column.accessor('organizationCode', { header: t('managers.organization'), cell: (c) => c.getValue() ?? '—' }),
      column.accessor('email', { header: t('managers.colEmail'), cell: (c) => c.getValue() ?? '—' }),
      column.accessor('createdAt', { header: t('managers.colCreated'), cell: (c) => formatDate(c.getValue()) }),
      column.display({
        id: 'state',
        header: t('managers.colState'),
        cell: ({ row: { original: u } }) => (
          <>
            {u.disabledAt ? t('managers.disabledSince', { when: formatDateTime(u.disabledAt) }) : t('managers.enabled')}
            {u.signInBlockedUntil && (
              <small className="muted block">
                {t('managers.heldUntil', { when: formatDateTime(u.signInBlockedUntil) })}
              </small>
            )}
          </>
        ),
      }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">{t('managers.actions')}</span>,
        cell: ({ row: { original: u } }) => <PersonActions user={u} onDone={onDone} />,
      }),
    ];
  }, [t]);
  const create = useMutation({
    mutationFn: (v: Values) =>
      createUser({
        username: v.username.trim(),
        password: v.password,
        role: v.role,
        ...(v.role === 'manager' ? { organizationCode: v.organizationCode } : {}),
        ...(v.email.trim() ? { email: v.email.trim() } : {}),
      }),
    onSuccess: () => {
      form.reset();
      void client.invalidateQueries({ queryKey: userKeys.all });
    },
    onError: (error) => showFieldProblems(error, form.setError, ['username', 'password', 'organizationCode', 'email']),
  });

  return (
    <section aria-labelledby="managers-title">
      <h1 id="managers-title">{t('managers.title')}</h1>
      <form
        className="card form-grid"
        aria-label={t('managers.newTitle')}
        onSubmit={(e) => void form.handleSubmit((v) => create.mutate(v))(e)}
        noValidate
      >
        <h2>{t('managers.newTitle')}</h2>
        <Field label={t('managers.username')} error={errors.username?.message}>
          {(p) => (
            <input
              {...p}
              autoComplete="off"
              {...form.register('username', {
                required: t('managers.usernameRequired'),
                pattern: { value: /^[A-Za-z0-9._@-]{1,64}$/, message: t('managers.usernamePattern') },
              })}
            />
          )}
        </Field>
        <Field label={t('managers.initialPassword')} hint={t('managers.passwordHint')} error={errors.password?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('password', {
                required: t('managers.passwordRequired'),
                minLength: { value: 12, message: t('managers.passwordLength') },
              })}
            />
          )}
        </Field>
        <Field label={t('managers.role')}>
          {(p) => (
            <select {...p} {...form.register('role')}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r === 'manager' ? t('managers.roleManager') : t('managers.roleAdmin')}
                </option>
              ))}
            </select>
          )}
        </Field>
        {role === 'manager' && (
          <Field label={t('managers.organization')} error={errors.organizationCode?.message}>
            {(p) => (
              <select {...p} {...form.register('organizationCode', { required: t('managers.organizationRequired') })}>
                <OrganizationOptions empty={t('managers.choose')} />
              </select>
            )}
          </Field>
        )}
        <Field label={t('managers.email')} error={errors.email?.message}>
          {(p) => <input {...p} type="email" {...form.register('email')} />}
        </Field>
        <FormActions label={t('managers.create')} pending={create.isPending} error={create.error} />
      </form>

      <div role="status">{done && <p className="notice">{done}</p>}</div>
      <ListTable
        caption={t('managers.caption')}
        data={users.data}
        columns={columns}
        rowId={(u) => u.id}
        loading={users.isFetching}
        error={users.error}
        empty={t('managers.empty')}
      />
    </section>
  );
}
