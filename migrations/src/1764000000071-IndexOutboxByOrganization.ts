import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The portal's bell (GET /api/v1/notifications/recent): a manager reads the latest events of its
 * organization, `WHERE organization_id = $1 ORDER BY id DESC LIMIT 20`. Without this index the
 * planner walks the whole outbox backwards by id and drops the other organizations' rows, which
 * for a small organization among large ones reads most of the table on every poll (each open
 * portal polls once a minute). With it, the read is the 20 index entries and their rows. An
 * administrator's read (all organizations) walks the primary key and needs nothing new.
 */
export class IndexOutboxByOrganization1764000000071 implements MigrationInterface {
  name = 'IndexOutboxByOrganization1764000000071';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_notification_outbox_organization ON notification_outbox (organization_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_notification_outbox_organization`);
  }
}
