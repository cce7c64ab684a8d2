import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useForm } from 'react-hook-form';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Field } from '../../../shared/components/Field';
import { ListTable } from '../../../shared/components/ListTable';
import { FormActions } from '../../../shared/components/FormActions';
import { formatDate } from '../../../shared/format';
import { createOrganization, organizationKeys, useOrganizations, type NewOrganization, type Organization } from '../api/organizations';

const column = createColumnHelper<Organization>();
const COLUMNS = [
  column.accessor('code', { header: 'Code', cell: (c) => <span className="mono">{c.getValue()}</span> }),
  column.accessor('name', { header: 'Name' }),
  column.accessor('country', { header: 'Country' }),
  column.accessor('createdAt', { header: 'Created', cell: (c) => formatDate(c.getValue()) }),
];

/** Member organizations: create one, see them all. */
export default function OrganizationsPage() {
  const client = useQueryClient();
  const organizations = useOrganizations();
  const form = useForm<NewOrganization>({ defaultValues: { code: '', name: '', country: '' } });
  const errors = form.formState.errors;
  const create = useMutation({
    mutationFn: createOrganization,
    onSuccess: () => {
      form.reset();
      void client.invalidateQueries({ queryKey: organizationKeys.all });
    },
    onError: (error) => showFieldProblems(error, form.setError, ['code', 'name', 'country']),
  });

  return (
    <section aria-labelledby="organizations-title">
      <h1 id="organizations-title">Organizations</h1>
      <form className="card form-grid" aria-label="New organization" onSubmit={(e) => void form.handleSubmit((v) => create.mutate({ ...v, code: v.code.trim().toUpperCase(), country: v.country.toUpperCase() }))(e)} noValidate>
        <h2>New organization</h2>
        <Field label="Code" hint="2 to 32 letters or digits, e.g. J1CFRA" error={errors.code?.message}>
          {(p) => <input {...p} {...form.register('code', { required: 'Enter a code.', pattern: { value: /^[A-Za-z0-9_-]{2,32}$/, message: 'Use 2 to 32 letters, digits, - or _.' } })} />}
        </Field>
        <Field label="Name" error={errors.name?.message}>
          {(p) => <input {...p} {...form.register('name', { required: 'Enter the name.' })} />}
        </Field>
        <Field label="Country" hint="ISO 3166 two-letter code" error={errors.country?.message}>
          {(p) => <input {...p} maxLength={2} {...form.register('country', { required: 'Enter the country.', pattern: { value: /^[A-Za-z]{2}$/, message: 'Two letters, e.g. FR.' } })} />}
        </Field>
        <FormActions label="Create organization" pending={create.isPending} error={create.error} />
      </form>

      <ListTable caption="Organizations" data={organizations.data} columns={COLUMNS} rowId={(o) => o.id} loading={organizations.isFetching} error={organizations.error} empty="No organization yet." />
    </section>
  );
}
