import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Field } from '../../../shared/components/Field';
import { ListTable } from '../../../shared/components/ListTable';
import { FormActions } from '../../../shared/components/FormActions';
import { formatDate } from '../../../shared/format';
import { useTitle } from '../../../shared/hooks/useTitle';
import {
  createOrganization,
  organizationKeys,
  useOrganizations,
  type NewOrganization,
  type Organization,
} from '../api/organizations';

const column = createColumnHelper<Organization>();

/** Member organizations: create one, see them all. */
export default function OrganizationsPage() {
  const { t } = useTranslation();
  useTitle(t('title.organizations'));
  const columns = useMemo(
    () => [
      column.accessor('code', {
        header: t('organizations.code'),
        cell: (c) => <span className="mono">{c.getValue()}</span>,
      }),
      column.accessor('name', { header: t('organizations.name') }),
      column.accessor('country', { header: t('organizations.country') }),
      column.accessor('createdAt', { header: t('organizations.created'), cell: (c) => formatDate(c.getValue()) }),
    ],
    [t],
  );
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
      <h1 id="organizations-title">{t('organizations.title')}</h1>
      <form
        className="card form-grid"
        aria-label={t('organizations.newTitle')}
        onSubmit={(e) =>
          void form.handleSubmit((v) =>
            create.mutate({ ...v, code: v.code.trim().toUpperCase(), country: v.country.toUpperCase() }),
          )(e)
        }
        noValidate
      >
        <h2>{t('organizations.newTitle')}</h2>
        <Field label={t('organizations.code')} hint={t('organizations.codeHint')} error={errors.code?.message}>
          {(p) => (
            <input
              {...p}
              {...form.register('code', {
                required: t('organizations.codeRequired'),
                pattern: { value: /^[A-Za-z0-9_-]{2,32}$/, message: t('organizations.codePattern') },
              })}
            />
          )}
        </Field>
        <Field label={t('organizations.name')} error={errors.name?.message}>
          {(p) => <input {...p} {...form.register('name', { required: t('organizations.nameRequired') })} />}
        </Field>
        <Field label={t('organizations.country')} hint={t('organizations.countryHint')} error={errors.country?.message}>
          {(p) => (
            <input
              {...p}
              maxLength={2}
              {...form.register('country', {
                required: t('organizations.countryRequired'),
                pattern: { value: /^[A-Za-z]{2}$/, message: t('organizations.countryPattern') },
              })}
            />
          )}
        </Field>
        <FormActions label={t('organizations.create')} pending={create.isPending} error={create.error} />
      </form>

      <ListTable
        caption={t('organizations.title')}
        data={organizations.data}
        columns={columns}
        rowId={(o) => o.id}
        loading={organizations.isFetching}
        error={organizations.error}
        empty={t('organizations.empty')}
      />
    </section>
  );
}
