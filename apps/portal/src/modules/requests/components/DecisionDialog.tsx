import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../shared/api/http';
import { Dialog } from '../../../shared/components/Dialog';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { decide, requestKeys, type Decision, type Detail, type QueueItem } from '../api/requests';
import type { DecisionAction } from '../hooks/decisions';
import { DecisionForm } from './DecisionForm';

/**
 * One decision on one request; the API's refusal stays in the dialog, in words. A refusal that
 * says the request moved on (409, 404) reloads it, so the page stops offering what is no longer
 * possible. `onDecided` gets the request as the decision left it.
 */
export function DecisionDialog({
  request,
  action,
  onClose,
  onDecided,
  returnFocus,
}: {
  request: Pick<Detail, 'id' | 'commonName'>;
  action: DecisionAction;
  onClose: () => void;
  onDecided?: (result: QueueItem) => void;
  returnFocus?: (decided: boolean) => HTMLElement | null | undefined;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const decided = useRef(false);
  const mutation = useMutation({
    mutationFn: (decision: Decision) => decide(request.id, decision),
    onSuccess: (result) => {
      decided.current = true;
      void client.invalidateQueries({ queryKey: requestKeys.all });
      void client.invalidateQueries({ queryKey: ['certificates'] });
      onDecided?.(result);
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
        void client.invalidateQueries({ queryKey: requestKeys.all });
      }
    },
  });
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={t('decision.dialogTitle', { action: t(`action.${action}`), id: request.id })}
      description={request.commonName}
      initialFocus={action === 'approve' ? 'button[type="submit"]' : 'textarea, select'}
      {...(returnFocus ? { returnFocus: () => returnFocus(decided.current) } : {})}
    >
      <DecisionForm action={action} busy={mutation.isPending} onSubmit={(d) => mutation.mutate(d)} onCancel={onClose} />
      <ProblemAlert error={mutation.error} />
    </Dialog>
  );
}
