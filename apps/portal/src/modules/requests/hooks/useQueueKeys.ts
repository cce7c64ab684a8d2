import { useEffect, useRef } from 'react';

export interface QueueKeyActions {
  readonly move: (by: 1 | -1) => void;
  readonly open: () => void;
  readonly approve: () => void;
  readonly reject: () => void;
  readonly search: () => void;
  readonly help: () => void;
}

/** Whether a key press belongs to a field or a dialog rather than to the page's shortcuts. */
function typing(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (event.altKey || event.ctrlKey || event.metaKey || document.querySelector('[role="dialog"]')) {
    return true;
  }
  return !!target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** The queue without the mouse: j/k move, Enter opens, a approves, r rejects, / searches, ? lists them. */
export function useQueueKeys(actions: QueueKeyActions): void {
  const current = useRef(actions);
  current.current = actions;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typing(event)) {
        return;
      }
      const a = current.current;
      const handlers: Record<string, (() => void) | undefined> = {
        j: () => a.move(1),
        k: () => a.move(-1),
        a: a.approve,
        r: a.reject,
        '/': a.search,
        '?': a.help,
      };
      if (
        event.key === 'Enter' &&
        (event.target as HTMLElement | null)?.tagName !== 'A' &&
        (event.target as HTMLElement | null)?.tagName !== 'BUTTON'
      ) {
        event.preventDefault();
        a.open();
        return;
      }
      const handler = handlers[event.key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
