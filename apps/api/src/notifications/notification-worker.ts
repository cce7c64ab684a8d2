import { CertificatesRepository } from '../authority';
import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DATABASE_TARGET, type DatabaseTarget } from '../database/database-options';
import { SecretBox } from './secret-box';
import {
  digestMessage,
  message,
  subjectEmail,
  type Language,
  type Message,
  type MessageFacts,
  type NotificationEvent,
} from './messages';

interface OutboxRow {
  id: string;
  event: NotificationEvent;
  at: Date;
  request_id: string | null;
  organization_id: string | null;
  data: Record<string, unknown>;
}

interface DeliveryRow {
  id: string;
  outbox_id: string;
  channel: 'email' | 'webhook';
  recipient: string;
  language: Language;
  webhook_id: string | null;
  attempts: number;
  event: NotificationEvent;
  at: Date;
  request_id: string | null;
  data: Record<string, unknown>;
  secret: string | null;
}

interface Recipient {
  email: string;
  language: Language;
  /** The person chose one mail a day (users.mail_digest). */
  digest: boolean;
}

/** The next daily digest time: today at `hour` UTC, or tomorrow when that has passed. */
export function nextDigestAt(now: Date, hour: number): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  return at.getTime() > now.getTime() ? at : new Date(at.getTime() + DAY_MS);
}

const DAY_MS = 24 * 3600 * 1000;
/** How long a commit's wake-up waits for other commits to share its pass. */
const WAKE_MS = 50;
/**
 * The least time between two passes started by wake-ups: a busy API (bench:api, 100+ commits a
 * second) runs at most four, not twenty, which kept its cycle rate; a quiet one wakes in WAKE_MS.
 */
const WAKE_SPACING_MS = 250;

/** The rows of an UPDATE ... RETURNING: TypeORM's PostgreSQL driver answers [rows, count] for it. */
function returned<T>(result: unknown): T[] {
  return (
    Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number'
      ? result[0]
      : result
  ) as T[];
}
/** Thresholds of certificate.expiring, in days, largest first. */
const EXPIRY_THRESHOLDS = [30, 7] as const;

/** The body and headers of one webhook delivery: `{ id, event, at, data }`, signed with the secret. */
export function webhookRequest(
  delivery: Pick<DeliveryRow, 'id' | 'outbox_id' | 'event' | 'at' | 'data'>,
  secret: string,
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    id: delivery.outbox_id,
    event: delivery.event,
    at: new Date(delivery.at).toISOString(),
    data: delivery.data,
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Enroll-Webhooks/1',
      'enroll-event': delivery.event,
      'enroll-delivery': delivery.id,
      'enroll-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
  };
}

/**
 * Delivers the outbox (see migration 1764000000060): expands each event into deliveries (the
 * e-mail recipients, the subscribed webhooks), then claims due deliveries with FOR UPDATE SKIP
 * LOCKED in short transactions, each claim a lease (due_at moved ahead) so that the sending
 * happens outside any transaction and another process skips it meanwhile. A failure is retried
 * with exponential back-off until a day after the event, then marked failed. A crash after
 * sending and before marking sends once more when the lease ends: the delivery's id (the
 * Message-ID, the Enroll-Delivery header) and the event's id (the webhook body's id) let the
 * receiver recognise it. The expiry scan runs under an advisory lock, in one process at a time.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Notifications');
  private readonly transport: Transporter | undefined;
  /** Opens the webhooks' sealed secrets to sign with them. */
  private readonly secrets: SecretBox;
  private pollTimer: NodeJS.Timeout | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** A commit arrived during a pass: run another when it ends. */
  private again = false;
  /** A pass is about to start for commits of the last few milliseconds. */
  private wakeTimer: NodeJS.Timeout | undefined;
  /** When the last pass started by a wake-up began (ms). */
  private lastWake = 0;
  /** The connection that LISTENs for committed events (PostgreSQL only). */
  private listener: Client | undefined;
  private stopped = true;
  /** Tunables (tests shorten them). */
  pollMs = 1000;
  scanMs = 3600 * 1000;
  retryBaseMs = 30 * 1000;
  retryMaxMs = 3600 * 1000;
  giveUpMs = DAY_MS;
  leaseMs = 5 * 60 * 1000;
  batch = 20;

  constructor(
    private readonly db: DataSource,
    private readonly certificates: CertificatesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_TARGET) private readonly target: DatabaseTarget,
  ) {
    this.secrets = new SecretBox(config);
    // STARTTLS is used whenever the server offers it (nodemailer's default for smtp://). A pool
    // keeps a few connections open: a batch of mails does not pay a TCP, TLS and EHLO handshake each.
    this.transport =
      config.smtpUrl === undefined
        ? undefined
        : createTransport({ url: config.smtpUrl, pool: true, maxConnections: 5, maxMessages: 1000 });
  }

  get mailFrom(): string {
    return this.config.mailFrom;
  }

  get mailEnabled(): boolean {
    return this.transport !== undefined;
  }

  onApplicationBootstrap(): void {
    this.start();
    void this.listen();
  }

  /**
   * LISTEN enroll_outbox on a connection of its own (migration 073's trigger notifies at commit):
   * a pass starts WAKE_MS after any process's commit (WAKE_SPACING_MS after the last, when busy). On PGlite, or when the connection
   * fails, the poll alone delivers.
   */
  private async listen(): Promise<void> {
    if (!('url' in this.target) || this.stopped) {
      return;
    }
    const listener = new Client({ connectionString: this.target.url });
    listener.on('error', (e: unknown) => {
      this.warn('outbox listener', e);
      this.listener = undefined;
    });
    listener.on('notification', () => this.wake());
    try {
      await listener.connect();
      await listener.query('LISTEN enroll_outbox');
      this.listener = listener;
    } catch (e: unknown) {
      this.warn('outbox listener', e);
      await listener.end().catch(() => undefined);
    }
  }

  /** Commits within WAKE_MS share one pass, and wake-up passes are WAKE_SPACING_MS apart at least. */
  private wake(): void {
    if (this.stopped || this.wakeTimer !== undefined) {
      return;
    }
    const delay = Math.max(WAKE_MS, this.lastWake + WAKE_SPACING_MS - Date.now());
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.lastWake = Date.now();
      void this.kick();
    }, delay);
    this.wakeTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    this.transport?.close();
  }

  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.pollTimer = setInterval(() => void this.kick(), this.pollMs);
    this.pollTimer.unref();
    this.scanTimer = setInterval(
      () => void this.scanExpiries().catch((e: unknown) => this.warn('expiry scan', e)),
      this.scanMs,
    );
    this.scanTimer.unref();
    void this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    clearInterval(this.pollTimer);
    clearInterval(this.scanTimer);
    await this.running;
  }

  /** Whether a commit asked for a pass while the last one ran (read through a call: it changes across awaits). */
  private anotherPass(): boolean {
    return this.again && !this.stopped;
  }

  /** One pass now; while one is running, another right after it (that one's promise). */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const passes = async (): Promise<void> => {
      do {
        this.again = false;
        await this.tick();
      } while (this.anotherPass());
    };
    this.running = passes()
      .catch((e: unknown) => this.warn('delivery', e))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Expands new events, then delivers what is due, until nothing is left. */
  async tick(): Promise<void> {
    while ((await this.expand()) > 0) {
      /* more */
    }
    while ((await this.deliverDue()) > 0) {
      /* more */
    }
    while ((await this.deliverDigest()) > 0) {
      /* more */
    }
  }

  /**
   * Claims every due digest delivery of one recipient (the same lease as any delivery: another
   * process skips them meanwhile) and sends them as one mail; returns how many were claimed.
   */
  async deliverDigest(): Promise<number> {
    const claimed = await this.db.transaction(async (m) =>
      returned<DeliveryRow>(
        await m.query(
          `WITH one AS (
             SELECT recipient FROM notification_deliveries WHERE status = 'pending' AND digest AND due_at <= now()
              ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
           ), mine AS (
             SELECT d.id FROM notification_deliveries d JOIN one ON d.recipient = one.recipient
              WHERE d.status = 'pending' AND d.digest AND d.due_at <= now() FOR UPDATE OF d SKIP LOCKED
           )
           UPDATE notification_deliveries d
              SET attempts = d.attempts + 1, last_attempt_at = now(), due_at = now() + make_interval(secs => $1::double precision / 1000)
             FROM notification_outbox o
            WHERE o.id = d.outbox_id AND d.id IN (SELECT id FROM mine)
        RETURNING d.id, d.outbox_id, d.channel, d.recipient, d.language, d.webhook_id, d.attempts,
                  o.event, o.at, o.request_id, o.data, NULL AS secret`,
          [this.leaseMs],
        ),
      ),
    );
    const rows = [...claimed].sort((a, b) => Number(a.id) - Number(b.id));
    const [first, last] = [rows[0], rows[rows.length - 1]];
    if (!first || !last) {
      return 0;
    }
    const attempts = Math.max(...rows.map((d) => d.attempts));
    // A digest waits up to a day before its first attempt: it gets a day of retries after that.
    const oldest = Math.min(...rows.map((d) => new Date(d.at).getTime()));
    await this.settle(
      rows.map((d) => d.id),
      attempts,
      oldest + DAY_MS + this.giveUpMs,
      // Sent again after a crash, it carries the same Message-ID: the first delivery's id.
      () =>
        this.send(
          first.recipient,
          digestMessage(
            last.language,
            rows.map((d) => this.facts(d)),
          ),
          `digest-${first.id}`,
          {
            'Enroll-Delivery': rows.map((d) => d.id).join(','),
            'Enroll-Event': 'digest',
          },
        ),
    );
    return claimed.length;
  }

  /** Turns a batch of outbox events into deliveries; returns how many events. */
  async expand(): Promise<number> {
    return this.db.transaction(async (m) => {
      const rows: OutboxRow[] = await m.query(
        `SELECT id, event, at, request_id, organization_id, data FROM notification_outbox
          WHERE expanded_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batch],
      );
      for (const row of rows) {
        const recipients = await this.recipients(m, row);
        const status = this.transport ? 'pending' : 'skipped';
        await m.query(
          `INSERT INTO notification_deliveries (outbox_id, channel, recipient, language, status, digest, due_at)
           SELECT $1, 'email', r.email, r.language, $3, r.digest, CASE WHEN r.digest THEN $4::timestamptz ELSE now() END
             FROM jsonb_to_recordset($2) AS r(email varchar, language varchar, digest boolean)`,
          [row.id, JSON.stringify(recipients), status, nextDigestAt(new Date(), this.config.mailDigestHour)],
        );
        await m.query(
          `INSERT INTO notification_deliveries (outbox_id, channel, recipient, webhook_id, due_at)
           SELECT $1, 'webhook', url, id, now() FROM webhooks WHERE $2 = ANY (events)`,
          [row.id, row.event],
        );
      }
      if (rows.length > 0) {
        await m.query(`UPDATE notification_outbox SET expanded_at = now() WHERE id = ANY ($1)`, [
          rows.map((r) => r.id),
        ]);
      }
      return rows.length;
    });
  }

  /** Who is mailed: the managers (or, for server and external requests, the administrators) for a pending request; the subject's e-mail for the rest. */
  private async recipients(m: EntityManager, row: OutboxRow): Promise<Recipient[]> {
    const found = new Map<string, Recipient>();
    const add = (list: Recipient[]): void => {
      for (const r of list) {
        found.set(r.email.toLowerCase(), r);
      }
    };
    const request: { kind: string; subject: string }[] =
      row.request_id === null
        ? []
        : await m.query(`SELECT kind, subject FROM requests WHERE id = $1`, [row.request_id]);
    const people = (where: string, params: unknown[]): Promise<Recipient[]> =>
      m.query(
        `SELECT email, language, mail_digest AS digest FROM users
          WHERE email IS NOT NULL AND email <> '' AND disabled_at IS NULL AND ${where}`,
        params,
      );
    const byEmail = async (email: string | null): Promise<void> => {
      if (email) {
        const known: Recipient[] = await m.query(
          `SELECT email, language, mail_digest AS digest FROM users WHERE lower(email) = lower($1) AND disabled_at IS NULL LIMIT 1`,
          [email],
        );
        add([{ email, language: known[0]?.language ?? 'en', digest: known[0]?.digest ?? false }]);
      }
    };
    const managers = (): Promise<Recipient[]> =>
      people(`role = 'manager' AND organization_id = $1`, [row.organization_id]);
    switch (row.event) {
      case 'request.pending': {
        const kind = request[0]?.kind;
        add(kind === 'server' || kind === 'external' ? await people(`role = 'admin'`, []) : await managers());
        break;
      }
      case 'certificate.expiring':
        if (row.organization_id !== null) {
          add(await managers());
        }
        await byEmail(subjectEmail(typeof row.data.subject === 'string' ? row.data.subject : null));
        break;
      default:
        await byEmail(subjectEmail(request[0]?.subject));
    }
    return [...found.values()];
  }

  /** Claims, sends and marks one batch of due deliveries; returns how many were claimed. */
  async deliverDue(): Promise<number> {
    const claimed = await this.db.transaction(async (m) =>
      returned<DeliveryRow>(
        await m.query(
          `UPDATE notification_deliveries d
            SET attempts = d.attempts + 1, last_attempt_at = now(), due_at = now() + make_interval(secs => $2::double precision / 1000)
           FROM notification_outbox o
          WHERE o.id = d.outbox_id
            AND d.id IN (SELECT id FROM notification_deliveries WHERE status = 'pending' AND due_at <= now() AND NOT digest
                          ORDER BY due_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.outbox_id, d.channel, d.recipient, d.language, d.webhook_id, d.attempts,
                  o.event, o.at, o.request_id, o.data,
                  (SELECT secret FROM webhooks w WHERE w.id = d.webhook_id) AS secret`,
          [this.batch, this.leaseMs],
        ),
      ),
    );
    await Promise.all(claimed.map((d) => this.deliver(d)));
    return claimed.length;
  }

  private deliver(d: DeliveryRow): Promise<void> {
    return this.settle([d.id], d.attempts, new Date(d.at).getTime() + this.giveUpMs, () =>
      d.channel === 'email' ? this.mail(d) : this.post(d),
    );
  }

  /**
   * Runs one delivery attempt for these deliveries, then marks them sent, or due again after an
   * exponential back-off from their `attempts`, or failed once that would pass `giveUpAt` (ms).
   */
  private async settle(ids: string[], attempts: number, giveUpAt: number, attempt: () => Promise<void>): Promise<void> {
    try {
      await attempt();
      await this.db.query(
        `UPDATE notification_deliveries SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ANY ($1)`,
        [ids],
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const delay = Math.min(this.retryBaseMs * 2 ** (attempts - 1), this.retryMaxMs);
      await this.db.query(
        `UPDATE notification_deliveries SET status = $2, last_error = $3, due_at = now() + make_interval(secs => $4::double precision / 1000) WHERE id = ANY ($1)`,
        [ids, Date.now() + delay > giveUpAt ? 'failed' : 'pending', reason.slice(0, 1000), delay],
      );
    }
  }

  private link(d: Pick<DeliveryRow, 'request_id'>): string | null {
    return d.request_id === null ? null : `${this.config.publicUrl}/requests/${d.request_id}`;
  }

  /** What a message says about one delivery's event. */
  private facts(d: DeliveryRow): MessageFacts {
    return {
      event: d.event,
      requestId: d.request_id === null ? null : Number(d.request_id),
      data: d.data,
      link: this.link(d),
    };
  }

  private mail(d: DeliveryRow): Promise<void> {
    return this.send(d.recipient, message(d.language, this.facts(d)), `delivery-${d.id}`, {
      'Enroll-Delivery': d.id,
      'Enroll-Event': d.event,
      'Enroll-Event-Id': d.outbox_id,
    });
  }

  /** One mail, its Message-ID `<enroll-<id>@<sender's domain>>` (the same when sent again); nothing without SMTP. */
  private async send(to: string, content: Message, id: string, headers: Record<string, string>): Promise<void> {
    if (!this.transport) {
      return;
    }
    const host = this.config.mailFrom.split('@')[1] ?? 'enroll';
    await this.transport.sendMail({
      from: this.config.mailFrom,
      to,
      subject: content.subject,
      text: content.text,
      html: content.html,
      messageId: `<enroll-${id}@${host}>`,
      headers,
    });
  }

  private async post(d: DeliveryRow): Promise<void> {
    const { body, headers } = webhookRequest(
      { ...d, data: { ...d.data, ...(this.link(d) ? { link: this.link(d) } : {}) } },
      d.secret === null ? '' : await this.secrets.open(d.secret),
    );
    const response = await fetch(d.recipient, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) {
      throw new Error(`HTTP ${response.status}`);
    }
  }

  /**
   * certificate.expiring at 30 and 7 days: one outbox row per certificate and threshold
   * (dedupe_key), in one process at a time (a transaction-scoped advisory lock). Returns how many
   * rows it wrote, or null when another process holds the scan.
   */
  async scanExpiries(now = new Date()): Promise<number | null> {
    return this.db.transaction(async (m) => {
      const [lock] = await m.query<{ got: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(hashtext('enroll.notifications.expiry-scan')) AS got`,
      );
      if (!lock?.got) {
        return null;
      }
      let written = 0;
      for (const [index, days] of EXPIRY_THRESHOLDS.entries()) {
        const below = EXPIRY_THRESHOLDS[index + 1];
        const expiring = await this.certificates.expiringWithin(m, now, days, below ?? null);
        const rows: unknown[] = await m.query(
          `INSERT INTO notification_outbox (event, at, request_id, organization_id, data, dedupe_key)
           SELECT 'certificate.expiring', $1, c.request_id, c.organization_id,
                  jsonb_strip_nulls(jsonb_build_object('serialNumber', c.serial, 'commonName', c.common_name, 'notAfter', c.not_after,
                                                       'days', $2::int, 'requestId', c.request_id, 'subject', c.subject)),
                  'expiring:' || c.serial || ':' || $2::int
             FROM jsonb_to_recordset($3::jsonb) AS c(serial text, request_id bigint, organization_id uuid, common_name text, subject text, not_after timestamptz)
           ON CONFLICT (dedupe_key) DO NOTHING
           RETURNING id`,
          [now, days, JSON.stringify(expiring)],
        );
        written += rows.length;
      }
      return written;
    });
  }

  private warn(what: string, error: unknown): void {
    this.log.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
