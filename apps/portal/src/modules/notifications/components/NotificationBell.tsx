import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../auth/hooks/session';
import { formatDateTime } from '../../../shared/format';
import {
  eventHref,
  lastSeen,
  RECENT_LIMIT,
  rememberSeen,
  useRecentEvents,
  type RecentEvent,
} from '../api/notifications';

/** One event in words: what happened, to what. */
export function EventText({ event }: { event: RecentEvent }) {
  const { t } = useTranslation();
  const what = t(`notifications.event.${event.event}`, {
    id: event.requestId ?? '—',
    serial: event.serial ?? event.commonName ?? '—',
  });
  const facts = [event.commonName, event.organizationCode, formatDateTime(event.at)].filter(Boolean).join(' · ');
  return (
    <>
      <span className="bell-what">{what}</span>
      <span className="bell-facts muted">{facts}</span>
      {event.reason && <span className="bell-facts muted">{t('notifications.reason', { reason: event.reason })}</span>}
    </>
  );
}

/**
 * The bell in the header: how many events of the reader's scope came since it was last opened
 * (the newest id seen is kept in localStorage, per person), and the list of them, each leading to
 * its request or certificate. A disclosure: the button says whether it is open, Escape closes it
 * and gives focus back to the button, and so does leaving it with Tab or a click elsewhere.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const me = useMe();
  const recent = useRecentEvents();
  const [open, setOpen] = useState(false);
  const [seen, setSeen] = useState(() => lastSeen(me.id));
  // What was new when the list was opened: still marked while it stays open.
  const [seenAtOpening, setSeenAtOpening] = useState(seen);
  const button = useRef<HTMLButtonElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const events = recent.data ?? [];
  const unseen = events.filter((e) => e.id > seen).length;

  const close = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) {
      button.current?.focus();
    }
  };

  const openList = () => {
    setSeenAtOpening(seen);
    setOpen(true);
    const newest = events[0]?.id ?? 0;
    if (newest > seen) {
      rememberSeen(me.id, newest);
      setSeen(newest);
    }
  };

  // Into the list as it opens: its first event, or the list itself when there is none.
  useEffect(() => {
    if (open) {
      const first = container.current?.querySelector<HTMLElement>(`#${CSS.escape(panelId)} a`);
      (first ?? document.getElementById(panelId))?.focus();
    }
  }, [open, panelId]);

  // A click anywhere else closes it.
  useEffect(() => {
    if (!open) {
      return undefined;
    }
    const outside = (e: MouseEvent) => {
      if (!container.current?.contains(e.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  const label =
    unseen === 0
      ? t('notifications.bell')
      : unseen >= RECENT_LIMIT
        ? t('notifications.bellAtLeast', { n: RECENT_LIMIT })
        : t('notifications.bellUnseen', { count: unseen });

  return (
    <div
      className="bell"
      ref={container}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          close(true);
        }
      }}
      onBlur={(e) => {
        if (open && e.relatedTarget !== null && !container.current?.contains(e.relatedTarget)) {
          setOpen(false);
        }
      }}
    >
      <button
        type="button"
        ref={button}
        className="bell-button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => (open ? close(false) : openList())}
      >
        <span aria-hidden="true">🔔</span>
        {unseen > 0 && (
          <span className="bell-count" aria-hidden="true">
            {unseen >= RECENT_LIMIT ? `${RECENT_LIMIT}+` : unseen}
          </span>
        )}
      </button>
      <div
        id={panelId}
        className="bell-panel"
        hidden={!open}
        tabIndex={-1}
        role="region"
        aria-label={t('notifications.recentTitle')}
      >
        {open && (
          <>
            <h2>{t('notifications.recentTitle')}</h2>
            {recent.isError ? (
              <p className="muted">{t('notifications.recentFailed')}</p>
            ) : events.length === 0 ? (
              <p className="muted">{recent.isPending ? t('app.loading') : t('notifications.recentEmpty')}</p>
            ) : (
              <ul>
                {events.map((event) => {
                  const href = eventHref(event);
                  const fresh = event.id > seenAtOpening;
                  return (
                    <li key={event.id} className={fresh ? 'bell-new' : undefined}>
                      {fresh && <span className="visually-hidden">{t('notifications.new')} </span>}
                      {href ? (
                        <Link to={href} onClick={() => setOpen(false)}>
                          <EventText event={event} />
                        </Link>
                      ) : (
                        <span>
                          <EventText event={event} />
                        </span>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </>
        )}
      </div>
    </div>
  );
}
