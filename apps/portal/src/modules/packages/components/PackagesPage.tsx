import {
  CERTIFICATE_STORES,
  REQUEST_KINDS,
  type CertificateStore,
  type RenewalMode,
  type RequestKind,
} from '@enroll/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { showFieldProblems } from '../../../shared/api/form-errors';
import { Field } from '../../../shared/components/Field';
import { ListTable } from '../../../shared/components/ListTable';
import { FormActions } from '../../../shared/components/FormActions';
import { formatDate, formatDateTime, formatNumber } from '../../../shared/format';
import { useTitle } from '../../../shared/hooks/useTitle';
import { OrganizationOptions } from '../../organizations/components/OrganizationOptions';
import {
  createPackage,
  disablePackage,
  fetchPackages,
  packageKeys,
  type NewPackageResult,
  type Package,
} from '../api/packages';
import { CreatedPackagePanel } from './CreatedPackagePanel';

const column = createColumnHelper<Package>();

interface Values {
  organizationCode: string;
  label: string;
  environment: string;
  store: CertificateStore;
  kinds: RequestKind[];
  renewal: RenewalMode;
  renewalSameKey: boolean;
}

/** Enrollment packages: what a client may ask for, for which organization; disabled at once when needed. */
export default function PackagesPage() {
  const { t } = useTranslation();
  useTitle(t('title.packages'));
  const client = useQueryClient();
  const packages = useQuery({ queryKey: packageKeys.all, queryFn: ({ signal }) => fetchPackages(signal) });
  const [created, setCreated] = useState<NewPackageResult | null>(null);
  const form = useForm<Values>({
    defaultValues: {
      organizationCode: '',
      label: '',
      environment: 'Production',
      store: 'machine',
      kinds: ['workstation'],
      renewal: 'automatic',
      renewalSameKey: false,
    },
  });
  const errors = form.formState.errors;
  const create = useMutation({
    mutationFn: createPackage,
    onSuccess: (result) => {
      setCreated(result);
      form.reset();
      void client.invalidateQueries({ queryKey: packageKeys.all });
    },
    onError: (error) =>
      showFieldProblems(error, form.setError, ['organizationCode', 'label', 'environment', 'store', 'kinds']),
  });
  const disable = useMutation({
    mutationFn: disablePackage,
    onSuccess: () => void client.invalidateQueries({ queryKey: packageKeys.all }),
  });
  const disabling = disable.isPending;
  const disableOne = disable.mutate;
  const columns = useMemo(
    () => [
      column.accessor('id', {
        header: t('packages.id'),
        cell: (c) => (
          <span className="mono" title={c.getValue()}>
            {c.getValue().slice(0, 8)}
          </span>
        ),
      }),
      column.accessor('label', {
        header: t('packages.label'),
        cell: (c) => c.getValue() ?? <span className="muted">—</span>,
      }),
      column.accessor('organizationCode', { header: t('packages.organization') }),
      column.accessor('environment', { header: t('packages.environment') }),
      column.accessor('store', {
        header: t('packages.store'),
        cell: (c) => (c.getValue() === 'machine' ? t('packages.storeMachine') : t('packages.storeUser')),
      }),
      column.accessor('kinds', {
        header: t('packages.kinds'),
        cell: (c) =>
          c
            .getValue()
            .map((k) => t(`kind.${k}`))
            .join(', '),
      }),
      column.accessor('renewal', {
        header: t('packages.renewal'),
        cell: ({ row: { original: p } }) =>
          `${p.renewal === 'automatic' ? t('packages.renewalShortAutomatic') : t('packages.renewalShortApproval')}${p.renewalSameKey ? t('packages.renewalShortSameKey') : ''}`,
      }),
      column.accessor('createdAt', {
        header: t('packages.created'),
        cell: ({ row: { original: p } }) =>
          p.createdBy
            ? t('packages.createdBy', { when: formatDate(p.createdAt), who: p.createdBy })
            : formatDate(p.createdAt),
      }),
      column.accessor('lastUsedAt', {
        header: t('packages.lastUsed'),
        cell: (c) => {
          const when = c.getValue();
          return when ? formatDateTime(when) : <span className="muted">{t('packages.never')}</span>;
        },
      }),
      column.accessor('requestsMade', {
        header: t('packages.requestsMade'),
        meta: { className: 'number' },
        cell: (c) => formatNumber(c.getValue()),
      }),
      column.accessor('disabledAt', {
        header: t('packages.state'),
        cell: ({ row: { original: p } }) =>
          p.disabledAt ? (
            <span>{t('packages.disabled', { when: formatDateTime(p.disabledAt) })}</span>
          ) : (
            <button
              type="button"
              className="danger"
              disabled={disabling}
              aria-label={t('packages.disableLabel', { environment: p.environment, organization: p.organizationCode })}
              onClick={() => window.confirm(t('packages.disableConfirm')) && disableOne(p.id)}
            >
              {t('packages.disable')}
            </button>
          ),
      }),
    ],
    [disabling, disableOne, t],
  );

  return (
    <section aria-labelledby="packages-title">
      <h1 id="packages-title">{t('packages.title')}</h1>
      <p className="muted">
        {t('packages.clientIntro')}{' '}
        <a href="/downloads/enroll.cjs" download="enroll.cjs">
          {t('packages.downloadClient')}
        </a>
      </p>
      {created ? (
        <CreatedPackagePanel created={created} onDone={() => setCreated(null)} />
      ) : (
        <form
          className="card form-grid"
          aria-label={t('packages.newTitle')}
          onSubmit={(e) =>
            void form.handleSubmit(({ label, ...v }) =>
              create.mutate({
                ...v,
                environment: v.environment.trim(),
                ...(label.trim() ? { label: label.trim() } : {}),
              }),
            )(e)
          }
          noValidate
        >
          <h2>{t('packages.newTitle')}</h2>
          <Field label={t('packages.organization')} error={errors.organizationCode?.message}>
            {(p) => (
              <select {...p} {...form.register('organizationCode', { required: t('packages.organizationRequired') })}>
                <OrganizationOptions empty={t('packages.choose')} />
              </select>
            )}
          </Field>
          <Field label={t('packages.label')} hint={t('packages.labelHint')} error={errors.label?.message}>
            {(p) => (
              <input
                {...p}
                {...form.register('label', { maxLength: { value: 100, message: t('packages.labelLength') } })}
              />
            )}
          </Field>
          <Field label={t('packages.environment')} error={errors.environment?.message}>
            {(p) => (
              <input
                {...p}
                {...form.register('environment', {
                  required: t('packages.environmentRequired'),
                  pattern: { value: /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, message: t('packages.environmentPattern') },
                })}
              />
            )}
          </Field>
          <fieldset className="field">
            <legend>{t('packages.store')}</legend>
            {CERTIFICATE_STORES.map((s) => (
              <label key={s} className="inline">
                <input type="radio" value={s} {...form.register('store')} />{' '}
                {s === 'machine' ? t('packages.storeMachine') : t('packages.storeUser')}
              </label>
            ))}
          </fieldset>
          <fieldset className="field" aria-describedby={errors.kinds ? 'kinds-error' : undefined}>
            <legend>{t('packages.kinds')}</legend>
            {REQUEST_KINDS.map((k) => (
              <label key={k} className="inline">
                <input
                  type="checkbox"
                  value={k}
                  {...form.register('kinds', { validate: (v) => v.length > 0 || t('packages.kindsRequired') })}
                />{' '}
                {t(`kind.${k}`)}
              </label>
            ))}
            {errors.kinds && (
              <small id="kinds-error" className="field-error" role="alert">
                {errors.kinds.message}
              </small>
            )}
          </fieldset>
          <fieldset className="field">
            <legend>{t('packages.renewal')}</legend>
            <label className="inline">
              <input type="radio" value="automatic" {...form.register('renewal')} /> {t('packages.renewalAutomatic')}
            </label>
            <label className="inline">
              <input type="radio" value="approval" {...form.register('renewal')} /> {t('packages.renewalApproval')}
            </label>
            <label className="inline">
              <input type="checkbox" {...form.register('renewalSameKey')} /> {t('packages.renewalSameKey')}
            </label>
          </fieldset>
          <FormActions label={t('packages.create')} pending={create.isPending} error={create.error} />
        </form>
      )}

      <ListTable
        caption={t('packages.title')}
        data={packages.data}
        columns={columns}
        rowId={(p) => p.id}
        loading={packages.isFetching}
        error={packages.error ?? disable.error}
        empty={t('packages.empty')}
      />
    </section>
  );
}
