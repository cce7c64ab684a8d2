import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person may take its mails as one digest a day instead of one per event (issue 17).
 *
 * - `users.mail_digest`: the person's choice (immediate by default).
 * - `notification_deliveries.digest`: this e-mail delivery waits for the recipient's digest; its
 *   `due_at` is the next digest time. The worker claims the due digest deliveries of a recipient
 *   together (the same lease, back-off and idempotency as any delivery) and sends them as one mail.
 *   Immediate deliveries keep their index: the claim of digests has its own partial index.
 */
export class AddMailDigest1764000000070 implements MigrationInterface {
  name = 'AddMailDigest1764000000070';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN mail_digest boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE notification_deliveries ADD COLUMN digest boolean NOT NULL DEFAULT false`);
    await q.query(
      `CREATE INDEX ix_notification_deliveries_digest ON notification_deliveries (due_at, recipient) WHERE status = 'pending' AND digest`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_notification_deliveries_digest`);
    await q.query(`ALTER TABLE notification_deliveries DROP COLUMN digest`);
    await q.query(`ALTER TABLE users DROP COLUMN mail_digest`);
  }
}
