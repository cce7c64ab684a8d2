import type { CertificateStore, RenewalMode, RequestKind, Role } from '@enroll/domain';
import type { ClientConfigTrust } from './package-trust';

/** The signed-in person (`GET /api/v1/auth/me`, and `user` in the sign-in answer). */
export interface Me {
  id: string;
  username: string;
  role: Role;
  organizationCode: string | null;
}

/** `POST /api/v1/auth/login`. The portal keeps only `csrfToken`: the session rides in an httpOnly cookie. */
export interface LoginResult {
  accessToken: string;
  csrfToken: string;
  expiresAt: Date;
  user: Me;
}

export interface OrganizationView {
  id: string;
  code: string;
  name: string;
  country: string;
  createdAt: Date;
}

export interface UserView {
  id: string;
  username: string;
  role: Role;
  organizationCode: string | null;
  email: string | null;
  createdAt: Date;
  /** When an administrator disabled the account (it cannot sign in; its sessions ended); null when enabled. */
  disabledAt: Date | null;
  /** Until when failed sign-ins hold the account back from at least one address; null when they do not. */
  signInBlockedUntil: Date | null;
}

export interface PackageView {
  id: string;
  organizationCode: string;
  environment: string;
  store: CertificateStore;
  kinds: RequestKind[];
  /** `automatic`: a renewal is issued at once; `approval`: it waits, Pending, for a person. */
  renewal: RenewalMode;
  /** Whether a renewal may keep the current key (a new key is the default). */
  renewalSameKey: boolean;
  createdAt: Date;
  disabledAt: Date | null;
  /** The administrator's name for it ("Accounting PCs, Bern"); null when none was given. */
  label: string | null;
  /** Who made it (null for a package whose maker was removed). */
  createdBy: string | null;
  /** The last time a client used its token (to the minute); null: never. */
  lastUsedAt: Date | null;
  /** The requests made with it, all states. */
  requestsMade: number;
}

/** The file the enroll client loads (`enroll init`): it holds the token, so it is shown once. */
export interface ClientConfig {
  format: 'enroll-client-config/1';
  packageId: string;
  organization: { code: string; name: string; country: string };
  environment: string;
  store: CertificateStore;
  kinds: RequestKind[];
  urls: { api: string; request: string; revoke: string; test: string; renew: string; caChain: string };
  token: string;
}

/** `POST /api/v1/packages`: the package, with its token and client file this once. */
export interface CreatedPackage extends PackageView {
  token: string;
  /** The package file, with the root fingerprint that the client checks the CA chain against. */
  clientConfig: ClientConfig & ClientConfigTrust;
  /** The SCEP challenge password (RFC 8894): a secret like the token, shown this once. */
  scepChallenge: string;
  /** The SCEP URL for the package's mobile devices (`/scep/mobile`). */
  scepUrl: string;
  /** When the package allows `mobile`: an Apple configuration profile (`.mobileconfig`, base64) that enrolls a device by SCEP. */
  mobileconfig?: string;
}

export interface AuditEventView {
  id: number;
  at: Date;
  actor: string;
  actorType: string;
  action: string;
  requestId: number | null;
  target: string | null;
  organizationCode: string | null;
  details: Record<string, unknown>;
}

/** The events of notifications (mail, webhooks). */
export type NotificationEventName =
  | 'request.pending'
  | 'request.approved'
  | 'request.rejected'
  | 'certificate.expiring'
  | 'certificate.revoked'
  | 'certificate.renewed';

/** `POST /api/v1/webhooks` answers this; `GET /api/v1/webhooks` lists them (never the secret). */
export interface WebhookView {
  id: string;
  url: string;
  events: NotificationEventName[];
  createdBy: string;
  createdAt: Date;
}

/** `GET /api/v1/webhooks/{id}/deliveries`: one delivery of one event, with its attempts. */
export interface WebhookDeliveryView {
  id: number;
  /** The event's id: the `id` of the delivered body, the same across retries. */
  eventId: number;
  event: NotificationEventName;
  status: 'pending' | 'sent' | 'skipped' | 'failed';
  attempts: number;
  lastAttemptAt: Date | null;
  lastError: string | null;
  sentAt: Date | null;
  nextAttemptAt: Date | null;
}

/** `GET /api/v1/notifications/settings`: whether mail is sent (ENROLL_SMTP_URL set). */
export interface NotificationSettingsView {
  mail: { enabled: boolean; from: string | null };
}

/**
 * `GET /api/v1/notifications/recent`: one event of the reader's scope (the portal's bell), newest
 * first. The summary fields are set when the event has them.
 */
export interface RecentNotificationView {
  /** The outbox id: grows with time, so `?after=<id>` answers only the newer events. */
  id: number;
  event: NotificationEventName;
  at: Date;
  requestId: number | null;
  organizationCode: string | null;
  commonName?: string;
  serial?: string;
  reason?: string;
}

/** `GET|PUT /api/v1/auth/preferences`: a person's own notification settings. */
export interface Preferences {
  /** Where notifications are mailed; null: nowhere. */
  email: string | null;
  /** The language of mails. */
  language: 'en' | 'fr';
  /** true: one digest a day (ENROLL_MAIL_DIGEST_HOUR, UTC) instead of one mail per event. */
  mailDigest: boolean;
}
