import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../shared/components/Dialog';
import type { DecisionAction } from '../hooks/decisions';
import { useBulkDecision } from '../hooks/useBulkDecision';
import { DecisionForm } from './DecisionForm';

/** One decision for the selected requests, then a result per request. */
export function BulkDecisionDialog({
  ids,
  action,
  onClose,
}: {
  ids: readonly number[];
  action: DecisionAction;
  onClose: (done: boolean) => void;
}) {
  const { t } = useTranslation();
  const bulk = useBulkDecision();
  const failed = bulk.results?.filter((r) => !r.ok).length ?? 0;
  const label = t(`action.${action}`);
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose(bulk.results !== null)}
      title={t('decision.bulkTitle', { action: label, count: ids.length })}
    >
      {bulk.results === null ? (
        <DecisionForm
          action={action}
          busy={bulk.running}
          submitLabel={`${label} ${ids.length}`}
          onSubmit={(d) => void bulk.run(ids, d)}
          onCancel={() => onClose(false)}
        />
      ) : (
        <>
          <p role="status">
            {t('decision.bulkDone', { done: bulk.results.length - failed, total: bulk.results.length })}
            {failed > 0 ? t('decision.bulkRefused', { count: failed }) : ''}.
          </p>
          <ul className="bulk-results" aria-label={t('decision.results')}>
            {bulk.results.map((r) => (
              <li key={r.id} className={r.ok ? 'ok' : 'failed'}>
                <strong>{t('decision.resultRequest', { id: r.id })}</strong>:{' '}
                <span>
                  {r.ok ? '✓' : '✗'} {r.message}
                </span>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" className="primary" onClick={() => onClose(true)}>
              {t('action.close')}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
