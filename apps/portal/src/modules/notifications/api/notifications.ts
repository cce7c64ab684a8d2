import type {
  NotificationEventName,
  NotificationSettingsView,
  Page,
  RecentNotificationView,
  WebhookDeliveryView,
  WebhookView,
  Wire,
} from '@enroll/contract';
import { useQuery } from '@tanstack/react-query';
import { getJson, postJson, query, send } from '../../../shared/api/http';

export type RecentEvent = Wire<RecentNotificationView>;
export type Webhook = Wire<WebhookView>;
export type WebhookDelivery = Wire<WebhookDeliveryView>;
export type NotificationSettings = Wire<NotificationSettingsView>;
export type EventName = NotificationEventName;
export interface NewWebhook {
  url: string;
  events: EventName[];
  secret: string;
}

/** Every event a webhook may subscribe to, in the order the API lists them. */
export const EVENT_NAMES: readonly EventName[] = [
  'request.pending',
  'request.approved',
  'request.rejected',
  'certificate.expiring',
  'certificate.revoked',
  'certificate.renewed',
];

/** The most the API answers for the bell (GET /api/v1/notifications/recent). */
export const RECENT_LIMIT = 20;
/** How often the bell asks for new events. */
export const RECENT_POLL_MS = 60_000;

export const notificationKeys = {
  recent: ['notifications', 'recent'] as const,
  settings: ['notifications', 'settings'] as const,
  webhooks: ['webhooks'] as const,
  deliveries: (id: string) => ['webhooks', id, 'deliveries'] as const,
};

export const fetchRecentEvents = async (after?: number, signal?: AbortSignal): Promise<RecentEvent[]> =>
  (await getJson<Page<RecentEvent>>(`/api/v1/notifications/recent${query({ after })}`, signal)).items;
export const fetchSettings = (signal?: AbortSignal): Promise<NotificationSettings> =>
  getJson('/api/v1/notifications/settings', signal);
export const fetchWebhooks = async (signal?: AbortSignal): Promise<Webhook[]> =>
  (await getJson<Page<Webhook>>('/api/v1/webhooks', signal)).items;
export const fetchDeliveries = async (id: string, signal?: AbortSignal): Promise<WebhookDelivery[]> =>
  (await getJson<Page<WebhookDelivery>>(`/api/v1/webhooks/${encodeURIComponent(id)}/deliveries`, signal)).items;
export const createWebhook = (input: NewWebhook): Promise<Webhook> => postJson('/api/v1/webhooks', input);
export const deleteWebhook = async (id: string): Promise<void> => {
  await send('DELETE', `/api/v1/webhooks/${encodeURIComponent(id)}`);
};

/** The latest events of the reader's scope (the API scopes them), asked again every minute. */
export function useRecentEvents() {
  return useQuery({
    queryKey: notificationKeys.recent,
    queryFn: ({ signal }) => fetchRecentEvents(undefined, signal),
    refetchInterval: RECENT_POLL_MS,
    // A failed poll is tried again on the next minute, not at once.
    retry: false,
  });
}

export const useNotificationSettings = () =>
  useQuery({ queryKey: notificationKeys.settings, queryFn: ({ signal }) => fetchSettings(signal) });

export const useWebhooks = () =>
  useQuery({ queryKey: notificationKeys.webhooks, queryFn: ({ signal }) => fetchWebhooks(signal) });

export const useDeliveries = (id: string, enabled: boolean) =>
  useQuery({
    queryKey: notificationKeys.deliveries(id),
    queryFn: ({ signal }) => fetchDeliveries(id, signal),
    enabled,
  });

/** Where the bell remembers the newest event its reader has seen, per person (one browser, several people). */
const seenKey = (userId: string): string => `enroll.notifications.seen.${userId}`;

export function lastSeen(userId: string): number {
  try {
    const stored = Number(window.localStorage.getItem(seenKey(userId)));
    return Number.isSafeInteger(stored) && stored > 0 ? stored : 0;
  } catch {
    return 0;
  }
}

export function rememberSeen(userId: string, id: number): void {
  try {
    window.localStorage.setItem(seenKey(userId), String(id));
  } catch {
    // Private modes may refuse storage: the count then starts again on the next visit.
  }
}

/** Where an event leads: a certificate's events to the certificate, the rest to their request. */
export function eventHref(event: RecentEvent): string | null {
  const certificate = event.serial ? `/certificates/${encodeURIComponent(event.serial)}` : null;
  const request = event.requestId === null ? null : `/requests/${event.requestId}`;
  return event.event.startsWith('certificate.') ? (certificate ?? request) : (request ?? certificate);
}
