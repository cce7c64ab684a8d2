import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../shared/components/Dialog';

const KEYS: readonly [string, string][] = [
  ['j', 'shortcuts.next'],
  ['k', 'shortcuts.previous'],
  ['Enter', 'shortcuts.open'],
  ['a', 'shortcuts.approve'],
  ['r', 'shortcuts.reject'],
  ['/', 'shortcuts.search'],
  ['?', 'shortcuts.help'],
];

/** What `?` shows: the queue's keys. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={t('shortcuts.title')}>
      <dl className="facts shortcuts">
        {KEYS.map(([key, label]) => (
          <div key={key} className="fact">
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
