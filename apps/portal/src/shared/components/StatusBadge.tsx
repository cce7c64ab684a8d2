import { useTranslation } from 'react-i18next';

/** A status as a coloured label; the colour repeats the word, it never replaces it. */
export function StatusBadge({ status }: { status: string }) {
  const { t, i18n } = useTranslation();
  const key = `status.${status}`;
  return <span className={`badge badge-${status.toLowerCase()}`}>{i18n.exists(key) ? t(key) : status}</span>;
}
