import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../../shared/components/Dialog';
import { ProblemAlert } from '../../../shared/components/ProblemAlert';
import { decide, requestKeys, type Decision, type Detail } from '../api/requests';
import { ACTION_LABELS, type DecisionAction } from '../hooks/decisions';
import { DecisionForm } from './DecisionForm';

/** One decision on one request; the API's refusal stays in the dialog, in words. */
export function DecisionDialog({ request, action, onClose }: { request: Pick<Detail, 'id' | 'commonName'>; action: DecisionAction; onClose: () => void }) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: (decision: Decision) => decide(request.id, decision),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: requestKeys.all });
      void client.invalidateQueries({ queryKey: ['certificates'] });
      onClose();
    },
  });
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`${ACTION_LABELS[action]} request ${request.id}`} description={request.commonName}>
      <DecisionForm action={action} busy={mutation.isPending} onSubmit={(d) => mutation.mutate(d)} onCancel={onClose} />
      <ProblemAlert error={mutation.error} />
    </Dialog>
  );
}
