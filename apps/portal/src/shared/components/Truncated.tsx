import { useState } from 'react';
import { i18n } from '../../i18n';

/**
 * A long value (a 60-character fingerprint CN) cut to its start and end on one line; the full
 * value is in the title (hover) and in the clipboard with the copy button.
 */
export function Truncated({ value, keep = 10 }: { value: string; keep?: number }) {
  const t = i18n.t.bind(i18n);
  const [copied, setCopied] = useState(false);
  const short = value.length > keep * 2 + 1 ? `${value.slice(0, keep)}…${value.slice(-keep)}` : value;
  return (
    <span className="truncated">
      <span className="mono" title={value} aria-label={value}>
        {short}
      </span>
      {short !== value && (
        <button
          type="button"
          className="copy"
          aria-label={`${t('app.copy')} ${value}`}
          title={copied ? t('app.copied') : t('app.copy')}
          onClick={() => {
            // No clipboard outside a secure context (plain http): the title still shows the value.
            void (navigator.clipboard as Clipboard | undefined)?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? (
            '✓'
          ) : (
            <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
              <rect x="3.5" y="0.5" width="8" height="8" rx="1" fill="none" stroke="currentColor" />
              <rect x="0.5" y="3.5" width="8" height="8" rx="1" fill="var(--card)" stroke="currentColor" />
            </svg>
          )}
        </button>
      )}
    </span>
  );
}
