import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A committed notification wakes the workers at once (issue 17): a statement trigger on
 * notification_outbox sends NOTIFY enroll_outbox, which PostgreSQL delivers to listeners at
 * commit only (and once per transaction for the same payload). Every API process listens, so an
 * event committed by one is delivered by whichever is free, without waiting for the next poll.
 */
export class WakeOutboxWorkers1764000000073 implements MigrationInterface {
  name = 'WakeOutboxWorkers1764000000073';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION enroll_wake_outbox_workers() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('enroll_outbox', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tg_notification_outbox_wake AFTER INSERT ON notification_outbox
      FOR EACH STATEMENT EXECUTE FUNCTION enroll_wake_outbox_workers()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tg_notification_outbox_wake ON notification_outbox`);
    await q.query(`DROP FUNCTION enroll_wake_outbox_workers()`);
  }
}
