import { Dialog } from '../../../shared/components/Dialog';
import { ACTION_LABELS, type DecisionAction } from '../hooks/decisions';
import { useBulkDecision } from '../hooks/useBulkDecision';
import { DecisionForm } from './DecisionForm';

/** One decision for the selected requests, then a result per request. */
export function BulkDecisionDialog({ ids, action, onClose }: { ids: readonly number[]; action: DecisionAction; onClose: (done: boolean) => void }) {
  const bulk = useBulkDecision();
  const failed = bulk.results?.filter((r) => !r.ok).length ?? 0;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose(bulk.results !== null)} title={`${ACTION_LABELS[action]} ${ids.length} requests`}>
      {bulk.results === null ? (
        <DecisionForm action={action} busy={bulk.running} submitLabel={`${ACTION_LABELS[action]} ${ids.length}`} onSubmit={(d) => void bulk.run(ids, d)} onCancel={() => onClose(false)} />
      ) : (
        <>
          <p role="status">
            {bulk.results.length - failed} of {bulk.results.length} done{failed > 0 ? `, ${failed} refused` : ''}.
          </p>
          <ul className="bulk-results" aria-label="Results">
            {bulk.results.map((r) => (
              <li key={r.id} className={r.ok ? 'ok' : 'failed'}>
                <strong>Request {r.id}</strong>: <span>{r.ok ? '✓' : '✗'} {r.message}</span>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" className="primary" onClick={() => onClose(true)}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
