import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (issue 17) from a transactional outbox.
 *
 * Every transition writes its audit event in its own transaction; a statement-level trigger on
 * audit_events (one run per INSERT, over its transition table) turns the events that matter into
 * notification_outbox rows in that same transaction. A notification is therefore committed with
 * its cause, or not at all, and no transition function changes. The worker
 * (apps/api/src/notifications) expands each event into deliveries (one per e-mail recipient, one
 * per subscribed webhook), each retried on its own; a delivery's id is its idempotency key.
 *
 * certificate.expiring rows come from the expiry scan; dedupe_key (serial and threshold) makes
 * that once per certificate and threshold, whichever process scans.
 *
 * users.language: the language of a person's mails ('en' or 'fr').
 */
export class CreateNotificationOutbox1764000000060 implements MigrationInterface {
  name = 'CreateNotificationOutbox1764000000060';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN language varchar(2) NOT NULL DEFAULT 'en'`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT ck_users_language CHECK (language IN ('en', 'fr'))`);
    await q.query(`
      CREATE TABLE notification_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY,
        event varchar(32) NOT NULL,
        at timestamptz NOT NULL,
        request_id bigint NULL,
        organization_id uuid NULL,
        data jsonb NOT NULL DEFAULT '{}',
        dedupe_key varchar(128) NULL,
        expanded_at timestamptz NULL,
        CONSTRAINT pk_notification_outbox PRIMARY KEY (id),
        CONSTRAINT uq_notification_outbox_dedupe UNIQUE (dedupe_key),
        CONSTRAINT ck_notification_outbox_event CHECK (event IN ('request.pending', 'request.approved', 'request.rejected',
          'certificate.expiring', 'certificate.revoked', 'certificate.renewed'))
      )`);
    // The worker's scan: the events not yet expanded, oldest first.
    await q.query(
      `CREATE INDEX ix_notification_outbox_unexpanded ON notification_outbox (id) WHERE expanded_at IS NULL`,
    );
    await q.query(`CREATE INDEX ix_notification_outbox_request ON notification_outbox (request_id, id DESC)`);
    await q.query(`
      CREATE TABLE webhooks (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        url varchar(2048) NOT NULL,
        events varchar(32)[] NOT NULL,
        secret text NOT NULL,
        created_by varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_webhooks PRIMARY KEY (id),
        CONSTRAINT ck_webhooks_url CHECK (url ~ '^https?://')
      )`);
    await q.query(`
      CREATE TABLE notification_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY,
        outbox_id bigint NOT NULL,
        channel varchar(8) NOT NULL,
        recipient varchar(2048) NOT NULL,
        language varchar(2) NOT NULL DEFAULT 'en',
        webhook_id uuid NULL,
        status varchar(8) NOT NULL DEFAULT 'pending',
        attempts int NOT NULL DEFAULT 0,
        due_at timestamptz NOT NULL,
        last_attempt_at timestamptz NULL,
        last_error text NULL,
        sent_at timestamptz NULL,
        CONSTRAINT pk_notification_deliveries PRIMARY KEY (id),
        CONSTRAINT fk_notification_deliveries_outbox FOREIGN KEY (outbox_id) REFERENCES notification_outbox (id) ON DELETE CASCADE,
        CONSTRAINT fk_notification_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE,
        CONSTRAINT ck_notification_deliveries_channel CHECK (channel IN ('email', 'webhook')),
        CONSTRAINT ck_notification_deliveries_status CHECK (status IN ('pending', 'sent', 'skipped', 'failed'))
      )`);
    await q.query(
      `CREATE INDEX ix_notification_deliveries_due ON notification_deliveries (due_at, id) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX ix_notification_deliveries_webhook ON notification_deliveries (webhook_id, id DESC) WHERE webhook_id IS NOT NULL`,
    );
    // One run per INSERT statement on audit_events, over its new rows: the transitions' single
    // round trip stays single. Renewals: an approval of a request that renews another.
    await q.query(`
      CREATE FUNCTION enroll_notify_audit_events() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO notification_outbox (event, at, request_id, organization_id, data)
        SELECT CASE n.action WHEN 'request.accept' THEN 'request.pending' WHEN 'request.approve' THEN 'request.approved'
                             WHEN 'request.reject' THEN 'request.rejected' ELSE 'certificate.revoked' END,
               n.at, n.request_id, n.organization_id,
               jsonb_strip_nulls(jsonb_build_object('requestId', n.request_id, 'actor', n.actor, 'reason', n.details->>'reason',
                                                    'serialNumber', n.details->>'serialNumber'))
          FROM new_rows n
         WHERE n.request_id IS NOT NULL
           AND (n.action IN ('request.approve', 'request.reject', 'request.revoke')
                OR (n.action = 'request.accept' AND n.details->>'status' = 'Pending'));
        INSERT INTO notification_outbox (event, at, request_id, organization_id, data)
        SELECT 'certificate.renewed', n.at, n.request_id, n.organization_id,
               jsonb_strip_nulls(jsonb_build_object('requestId', n.request_id, 'renewalOf', r.renewal_of, 'serialNumber', n.details->>'serialNumber'))
          FROM new_rows n JOIN requests r ON r.id = n.request_id
         WHERE n.action = 'request.approve' AND r.renewal_of IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tg_audit_events_notify AFTER INSERT ON audit_events
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION enroll_notify_audit_events()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tg_audit_events_notify ON audit_events`);
    await q.query(`DROP FUNCTION enroll_notify_audit_events()`);
    await q.query(`DROP TABLE notification_deliveries`);
    await q.query(`DROP TABLE webhooks`);
    await q.query(`DROP TABLE notification_outbox`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT ck_users_language`);
    await q.query(`ALTER TABLE users DROP COLUMN language`);
  }
}
