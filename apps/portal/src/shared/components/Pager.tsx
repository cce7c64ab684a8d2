import { useTranslation } from 'react-i18next';

/** Keyset paging: forward with the API's cursor, back along the cursors already seen. */
export function Pager({
  page,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  children,
}: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  children?: React.ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <nav className="pager" aria-label={t('table.pages')}>
      {children}
      <button type="button" onClick={onPrevious} disabled={!hasPrevious}>
        {t('table.previous')}
      </button>
      <span aria-live="polite">{t('table.page', { page })}</span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        {t('table.next')}
      </button>
    </nav>
  );
}
