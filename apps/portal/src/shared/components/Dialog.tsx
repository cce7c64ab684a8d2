import * as RadixDialog from '@radix-ui/react-dialog';
import { useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A modal dialog: focus is trapped inside, Escape closes it, and it is announced with its title.
 * On close, focus goes back to what opened it (the element focused when it opened), or to
 * `returnFocus()` when the caller knows better (the next row after a decision); never to the body.
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  returnFocus,
  initialFocus,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  children: ReactNode;
  returnFocus?: () => HTMLElement | null | undefined;
  /** A selector inside the dialog to focus first (the reason of a rejection). */
  initialFocus?: string;
}) {
  const { t } = useTranslation();
  const opener = useRef<Element | null>(typeof document === 'undefined' ? null : document.activeElement);
  const content = useRef<HTMLDivElement>(null);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content
          ref={content}
          className="dialog"
          {...(description ? {} : { 'aria-describedby': undefined })}
          onOpenAutoFocus={(e) => {
            const first = initialFocus ? content.current?.querySelector<HTMLElement>(initialFocus) : null;
            if (first) {
              e.preventDefault();
              first.focus();
            }
          }}
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            // After the dialog has gone: the caller's target may only exist once the list re-rendered.
            setTimeout(() => {
              const target =
                returnFocus?.() ??
                (opener.current instanceof HTMLElement && opener.current.isConnected ? opener.current : null);
              (target ?? document.getElementById('main'))?.focus();
            }, 0);
          }}
        >
          <RadixDialog.Title>{title}</RadixDialog.Title>
          {description && <RadixDialog.Description className="muted">{description}</RadixDialog.Description>}
          {children}
          <RadixDialog.Close className="dialog-close" aria-label={t('action.close')}>
            ×
          </RadixDialog.Close>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
