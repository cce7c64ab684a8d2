import { CERTIFICATE_STORES, REQUEST_KINDS, type CertificateStore, type RenewalMode, type RequestKind } from '@enroll/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Field } from '../../../shared/components/Field';
import { ListTable } from '../../../shared/components/ListTable';
import { FormActions } from '../../../shared/components/FormActions';
import { formatDate, formatDateTime } from '../../../shared/format';
import { OrganizationOptions } from '../../organizations/components/OrganizationOptions';
import { createPackage, disablePackage, fetchPackages, packageKeys, type NewPackageResult, type Package } from '../api/packages';
import { CreatedPackagePanel } from './CreatedPackagePanel';

const column = createColumnHelper<Package>();

interface Values {
  organizationCode: string;
  environment: string;
  store: CertificateStore;
  kinds: RequestKind[];
  renewal: RenewalMode;
  renewalSameKey: boolean;
}

/** Enrollment packages: what a client may ask for, for which organization; disabled at once when needed. */
export default function PackagesPage() {
  const client = useQueryClient();
  const packages = useQuery({ queryKey: packageKeys.all, queryFn: ({ signal }) => fetchPackages(signal) });
  const [created, setCreated] = useState<NewPackageResult | null>(null);
  const form = useForm<Values>({ defaultValues: { organizationCode: '', environment: 'Production', store: 'machine', kinds: ['workstation'], renewal: 'automatic', renewalSameKey: false } });
  const errors = form.formState.errors;
  const create = useMutation({
    mutationFn: createPackage,
    onSuccess: (result) => {
      setCreated(result);
      form.reset();
      void client.invalidateQueries({ queryKey: packageKeys.all });
    },
    onError: (error) => showFieldProblems(error, form.setError, ['organizationCode', 'environment', 'store', 'kinds']),
  });
  const disable = useMutation({
    mutationFn: disablePackage,
    onSuccess: () => void client.invalidateQueries({ queryKey: packageKeys.all }),
  });
  const disabling = disable.isPending;
  const disableOne = disable.mutate;
  const columns = useMemo(
    () => [
      column.accessor('organizationCode', { header: 'Organization' }),
      column.accessor('environment', { header: 'Environment' }),
      column.accessor('store', { header: 'Store' }),
      column.accessor('kinds', { header: 'Kinds', cell: (c) => c.getValue().join(', ') }),
      column.accessor('renewal', {
        header: 'Renewal',
        cell: ({ row: { original: p } }) => `${p.renewal === 'automatic' ? 'Automatic' : 'Needs approval'}${p.renewalSameKey ? ', same key allowed' : ''}`,
      }),
      column.accessor('createdAt', { header: 'Created', cell: (c) => formatDate(c.getValue()) }),
      column.accessor('disabledAt', {
        header: 'State',
        cell: ({ row: { original: p } }) =>
          p.disabledAt ? (
            <span>Disabled {formatDateTime(p.disabledAt)}</span>
          ) : (
            <button
              type="button"
              className="danger"
              disabled={disabling}
              aria-label={`Disable the ${p.environment} package of ${p.organizationCode}`}
              onClick={() => window.confirm('Disable this package? Clients using it are refused at once.') && disableOne(p.id)}
            >
              Disable
            </button>
          ),
      }),
    ],
    [disabling, disableOne],
  );

  return (
    <section aria-labelledby="packages-title">
      <h1 id="packages-title">Enrollment packages</h1>
      {created ? (
        <CreatedPackagePanel created={created} onDone={() => setCreated(null)} />
      ) : (
        <form className="card form-grid" aria-label="New package" onSubmit={(e) => void form.handleSubmit((v) => create.mutate({ ...v, environment: v.environment.trim() }))(e)} noValidate>
          <h2>New package</h2>
          <Field label="Organization" error={errors.organizationCode?.message}>
            {(p) => (
              <select {...p} {...form.register('organizationCode', { required: 'Choose the organization.' })}>
                <OrganizationOptions empty="Choose…" />
              </select>
            )}
          </Field>
          <Field label="Environment" error={errors.environment?.message}>
            {(p) => <input {...p} {...form.register('environment', { required: 'Name the environment.', pattern: { value: /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, message: 'Letters, digits, spaces, . _ or - (at most 64).' } })} />}
          </Field>
          <fieldset className="field">
            <legend>Certificate store</legend>
            {CERTIFICATE_STORES.map((s) => (
              <label key={s} className="inline">
                <input type="radio" value={s} {...form.register('store')} /> {s === 'machine' ? 'Machine' : 'User'}
              </label>
            ))}
          </fieldset>
          <fieldset className="field" aria-describedby={errors.kinds ? 'kinds-error' : undefined}>
            <legend>Kinds of request allowed</legend>
            {REQUEST_KINDS.map((k) => (
              <label key={k} className="inline">
                <input type="checkbox" value={k} {...form.register('kinds', { validate: (v) => v.length > 0 || 'Allow at least one kind.' })} /> {k}
              </label>
            ))}
            {errors.kinds && (
              <small id="kinds-error" className="field-error" role="alert">
                {errors.kinds.message}
              </small>
            )}
          </fieldset>
          <fieldset className="field">
            <legend>Renewal before expiry</legend>
            <label className="inline">
              <input type="radio" value="automatic" {...form.register('renewal')} /> Automatic: a device with a current certificate renews by itself
            </label>
            <label className="inline">
              <input type="radio" value="approval" {...form.register('renewal')} /> Needs approval, like a new request
            </label>
            <label className="inline">
              <input type="checkbox" {...form.register('renewalSameKey')} /> Allow a renewal to keep its key (a new key is safer)
            </label>
          </fieldset>
          <FormActions label="Create package" pending={create.isPending} error={create.error} />
        </form>
      )}

      <ListTable caption="Enrollment packages" data={packages.data} columns={columns} rowId={(p) => p.id} loading={packages.isFetching} error={packages.error ?? disable.error} empty="No package yet." />
    </section>
  );
}
