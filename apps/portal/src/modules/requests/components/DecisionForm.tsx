import { API_REVOCATION_REASONS, type ApiRevocationReason } from '@enroll/domain';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../shared/components/Field';
import type { Decision } from '../api/requests';
import type { DecisionAction } from '../hooks/decisions';

interface Values {
  comment: string;
  reason: string;
  revocationReason: ApiRevocationReason | '';
}

/**
 * What a decision needs: approval an optional comment, rejection a reason (required, the
 * requester sees it), revocation an RFC 5280 reason.
 */
export function DecisionForm({
  action,
  busy,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  action: DecisionAction;
  busy: boolean;
  submitLabel?: string;
  onSubmit: (decision: Decision) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const form = useForm<Values>({ defaultValues: { comment: '', reason: '', revocationReason: '' } });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((v) => {
    switch (action) {
      case 'approve':
        onSubmit({ action, ...(v.comment.trim() ? { comment: v.comment.trim() } : {}) });
        break;
      case 'reject':
        onSubmit({ action, reason: v.reason.trim() });
        break;
      case 'revoke':
        if (v.revocationReason) {
          onSubmit({ action, reason: v.revocationReason });
        }
        break;
    }
  });
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      {action === 'approve' && (
        <Field label={t('decision.comment')}>
          {(props) => <textarea {...props} rows={3} maxLength={1000} {...form.register('comment')} />}
        </Field>
      )}
      {action === 'reject' && (
        <Field label={t('decision.reason')} hint={t('decision.reasonHint')} error={errors.reason?.message}>
          {(props) => (
            <textarea
              {...props}
              rows={3}
              maxLength={1000}
              {...form.register('reason', {
                validate: (value) => value.trim().length > 0 || t('decision.reasonRequired'),
              })}
            />
          )}
        </Field>
      )}
      {action === 'revoke' && (
        <Field
          label={t('decision.revocationReason')}
          hint={t('decision.revocationHint')}
          error={errors.revocationReason?.message}
        >
          {(props) => (
            <select {...props} {...form.register('revocationReason', { required: t('decision.revocationRequired') })}>
              <option value="">{t('decision.chooseReason')}</option>
              {API_REVOCATION_REASONS.map((r) => (
                <option key={r} value={r}>
                  {t(`revocationReason.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t('action.cancel')}
        </button>
        <button type="submit" className={action === 'approve' ? 'primary' : 'danger'} disabled={busy}>
          {busy ? t('action.working') : (submitLabel ?? t(`action.${action}`))}
        </button>
      </div>
    </form>
  );
}
