import { API_REVOCATION_REASONS, type ApiRevocationReason } from '@enroll/domain';
import { useForm } from 'react-hook-form';
import { Field } from '../../../shared/components/Field';
import type { Decision } from '../api/requests';
import { ACTION_LABELS, type DecisionAction } from '../hooks/decisions';

/** RFC 5280 reason codes in words (section 5.3.1). */
export const REVOCATION_REASON_LABELS: Readonly<Record<ApiRevocationReason, string>> = {
  unspecified: 'Unspecified',
  keyCompromise: 'Key compromise',
  affiliationChanged: 'Affiliation changed',
  superseded: 'Superseded',
  cessationOfOperation: 'Cessation of operation',
};

interface Values {
  comment: string;
  reason: string;
  revocationReason: ApiRevocationReason | '';
}

/**
 * What a decision needs: approval an optional comment, rejection a reason (required, the
 * requester sees it), revocation an RFC 5280 reason.
 */
export function DecisionForm({ action, busy, submitLabel, onSubmit, onCancel }: { action: DecisionAction; busy: boolean; submitLabel?: string; onSubmit: (decision: Decision) => void; onCancel: () => void }) {
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
        <Field label="Comment (optional)">{(props) => <textarea {...props} rows={3} maxLength={1000} {...form.register('comment')} />}</Field>
      )}
      {action === 'reject' && (
        <Field label="Reason for rejection" hint="The requester sees this reason." error={errors.reason?.message}>
          {(props) => (
            <textarea
              {...props}
              rows={3}
              maxLength={1000}
              {...form.register('reason', { validate: (value) => value.trim().length > 0 || 'A rejection needs a reason.' })}
            />
          )}
        </Field>
      )}
      {action === 'revoke' && (
        <Field label="Revocation reason" hint="Revocation is final: the certificate stops working at once." error={errors.revocationReason?.message}>
          {(props) => (
            <select {...props} {...form.register('revocationReason', { required: 'Choose the reason for revocation.' })}>
              <option value="">Choose a reason…</option>
              {API_REVOCATION_REASONS.map((r) => (
                <option key={r} value={r}>
                  {REVOCATION_REASON_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className={action === 'approve' ? 'primary' : 'danger'} disabled={busy}>
          {busy ? 'Working…' : (submitLabel ?? ACTION_LABELS[action])}
        </button>
      </div>
    </form>
  );
}
