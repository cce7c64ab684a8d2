import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { NotificationSettingsView, WebhookDeliveryView, WebhookView } from '@enroll/contract';
import { DataSource } from 'typeorm';
import type { Actor } from '@enroll/domain';
import { AuditService } from '../audit/audit.service';
import { AppError, notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import type { NotificationEvent } from './messages';
import { NotificationWorker } from './notification-worker';
import { SecretBox } from './secret-box';
import type { CreateWebhookDto } from './webhooks.dto';

interface WebhookRow {
  id: string;
  url: string;
  events: NotificationEvent[];
  created_by: string;
  created_at: Date;
}

const view = (row: WebhookRow): WebhookView => ({
  id: row.id,
  url: row.url,
  events: row.events,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

/**
 * The centre's webhooks. The secret is never answered back; the API needs it to sign each delivery
 * (an HMAC key cannot be hashed away), so it is sealed under the CA passphrase (SecretBox), as the
 * CA keys are, and opened by the worker when it signs.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly log = new Logger('Webhooks');

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly worker: NotificationWorker,
    private readonly secrets: SecretBox,
  ) {}

  /** Webhooks made before secrets were sealed get theirs sealed now, without holding up the start. */
  onApplicationBootstrap(): void {
    this.sealStoredSecrets().catch((error: unknown) =>
      this.log.error({ err: error }, 'Sealing the stored webhook secrets failed'),
    );
  }

  /**
   * Seals every webhook secret still stored as given (made before sealing existed); returns how
   * many. Each is replaced only if unchanged since read, so two processes starting together agree.
   */
  async sealStoredSecrets(): Promise<number> {
    const rows: { id: string; secret: string }[] = await this.db.query(
      `SELECT id, secret FROM webhooks WHERE secret NOT LIKE 'enc1:%'`,
    );
    let sealed = 0;
    for (const row of rows) {
      const [updated] = await this.db.query<[unknown[], number]>(
        `UPDATE webhooks SET secret = $2 WHERE id = $1 AND secret = $3 RETURNING id`,
        [row.id, await this.secrets.seal(row.secret), row.secret],
      );
      sealed += updated.length;
    }
    if (sealed > 0) {
      this.log.log(`Sealed the secrets of ${sealed} webhook(s) under the CA passphrase.`);
    }
    return sealed;
  }

  async create(actor: Actor, body: CreateWebhookDto): Promise<WebhookView> {
    let url: URL;
    try {
      url = new URL(body.url);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'url must be an http:// or https:// URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AppError('VALIDATION_FAILED', 'url must be an http:// or https:// URL.');
    }
    const sealed = await this.secrets.seal(body.secret);
    return this.db.transaction(async (m) => {
      const [row] = await m.query<WebhookRow[]>(
        `INSERT INTO webhooks (url, events, secret, created_by) VALUES ($1, $2, $3, $4) RETURNING id, url, events, created_by, created_at`,
        [body.url, body.events, sealed, actor.username],
      );
      if (!row) {
        throw new Error('INSERT returned no row');
      }
      await this.audit.record(m, {
        at: this.clock.now(),
        actor: actor.username,
        actorType: 'user',
        action: 'webhook.create',
        target: row.id,
        details: { url: row.url, events: row.events },
      });
      return view(row);
    });
  }

  async list(): Promise<{ items: WebhookView[]; nextCursor: null }> {
    const rows: WebhookRow[] = await this.db.query(
      `SELECT id, url, events, created_by, created_at FROM webhooks ORDER BY created_at, id`,
    );
    return { items: rows.map(view), nextCursor: null };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [rows] = await m.query<[unknown[], number]>(`DELETE FROM webhooks WHERE id = $1 RETURNING id`, [id]);
      if (rows.length === 0) {
        throw notFound(`Webhook ${id}`);
      }
      await this.audit.record(m, {
        at: this.clock.now(),
        actor: actor.username,
        actorType: 'user',
        action: 'webhook.delete',
        target: id,
      });
    });
  }

  async deliveries(id: string): Promise<{ items: WebhookDeliveryView[]; nextCursor: null }> {
    const exists: unknown[] = await this.db.query(`SELECT 1 FROM webhooks WHERE id = $1`, [id]);
    if (exists.length === 0) {
      throw notFound(`Webhook ${id}`);
    }
    const rows: {
      id: string;
      outbox_id: string;
      event: NotificationEvent;
      status: WebhookDeliveryView['status'];
      attempts: number;
      last_attempt_at: Date | null;
      last_error: string | null;
      sent_at: Date | null;
      due_at: Date;
    }[] = await this.db.query(
      `SELECT d.id, d.outbox_id, o.event, d.status, d.attempts, d.last_attempt_at, d.last_error, d.sent_at, d.due_at
         FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id
        WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT 100`,
      [id],
    );
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        eventId: Number(r.outbox_id),
        event: r.event,
        status: r.status,
        attempts: r.attempts,
        lastAttemptAt: r.last_attempt_at,
        lastError: r.last_error,
        sentAt: r.sent_at,
        nextAttemptAt: r.status === 'pending' ? r.due_at : null,
      })),
      nextCursor: null,
    };
  }

  settings(): NotificationSettingsView {
    return { mail: { enabled: this.worker.mailEnabled, from: this.worker.mailEnabled ? this.worker.mailFrom : null } };
  }
}
