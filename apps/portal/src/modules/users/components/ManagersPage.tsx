import { ROLES, type Role } from '@enroll/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Field } from '../../../shared/components/Field';
import { ListTable } from '../../../shared/components/ListTable';
import { FormActions } from '../../../shared/components/FormActions';
import { formatDate } from '../../../shared/format';
import { OrganizationOptions } from '../../organizations/components/OrganizationOptions';
import { createUser, fetchUsers, userKeys, type User } from '../api/users';
import { IssueCertificateDialog } from './IssueCertificateDialog';

const column = createColumnHelper<User>();

interface Values {
  username: string;
  password: string;
  role: Role;
  organizationCode: string;
  email: string;
}

/** Enrollment managers (one organization each) and administrators. */
export default function ManagersPage() {
  const client = useQueryClient();
  const users = useQuery({ queryKey: userKeys.all, queryFn: ({ signal }) => fetchUsers(signal) });
  const [issuing, setIssuing] = useState<User | null>(null);
  const form = useForm<Values>({
    defaultValues: { username: '', password: '', role: 'manager', organizationCode: '', email: '' },
  });
  const errors = form.formState.errors;
  const role = form.watch('role');
  const columns = useMemo(
    () => [
      column.accessor('username', { header: 'Username' }),
      column.accessor('role', { header: 'Role' }),
      column.accessor('organizationCode', { header: 'Organization', cell: (c) => c.getValue() ?? '—' }),
      column.accessor('email', { header: 'Email', cell: (c) => c.getValue() ?? '—' }),
      column.accessor('createdAt', { header: 'Created', cell: (c) => formatDate(c.getValue()) }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        cell: ({ row: { original: u } }) =>
          u.role === 'manager' && (
            <button type="button" onClick={() => setIssuing(u)}>
              {/* The visible words start the accessible name (WCAG 2.5.3, label in name). */}
              Issue a user certificate<span className="visually-hidden"> for {u.username}</span>
            </button>
          ),
      }),
    ],
    [],
  );
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
      <h1 id="managers-title">Managers</h1>
      <form
        className="card form-grid"
        aria-label="New user"
        onSubmit={(e) => void form.handleSubmit((v) => create.mutate(v))(e)}
        noValidate
      >
        <h2>New user</h2>
        <Field label="Username" error={errors.username?.message}>
          {(p) => (
            <input
              {...p}
              autoComplete="off"
              {...form.register('username', {
                required: 'Enter a username.',
                pattern: { value: /^[A-Za-z0-9._@-]{1,64}$/, message: 'Letters, digits, . _ @ or - (at most 64).' },
              })}
            />
          )}
        </Field>
        <Field label="Initial password" hint="At least 12 characters." error={errors.password?.message}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              {...form.register('password', {
                required: 'Enter a password.',
                minLength: { value: 12, message: 'Use at least 12 characters.' },
              })}
            />
          )}
        </Field>
        <Field label="Role">
          {(p) => (
            <select {...p} {...form.register('role')}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r === 'manager' ? 'Enrollment manager' : 'Centre administrator'}
                </option>
              ))}
            </select>
          )}
        </Field>
        {role === 'manager' && (
          <Field label="Organization" error={errors.organizationCode?.message}>
            {(p) => (
              <select
                {...p}
                {...form.register('organizationCode', { required: 'A manager belongs to an organization.' })}
              >
                <OrganizationOptions empty="Choose…" />
              </select>
            )}
          </Field>
        )}
        <Field label="Email (optional)" error={errors.email?.message}>
          {(p) => <input {...p} type="email" {...form.register('email')} />}
        </Field>
        <FormActions label="Create user" pending={create.isPending} error={create.error} />
      </form>

      <ListTable
        caption="Users"
        data={users.data}
        columns={columns}
        rowId={(u) => u.id}
        loading={users.isFetching}
        error={users.error}
        empty="No user yet."
      />
      {issuing && <IssueCertificateDialog user={issuing} onClose={() => setIssuing(null)} />}
    </section>
  );
}
