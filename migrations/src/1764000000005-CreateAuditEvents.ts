import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEvents1764000000005 implements MigrationInterface {
  name = 'CreateAuditEvents1764000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL,
        actor varchar(256) NOT NULL,
        actor_type varchar(16) NOT NULL,
        action varchar(64) NOT NULL,
        organization_id uuid NULL,
        request_id bigint NULL,
        target varchar(256) NULL,
        details jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT pk_audit_events PRIMARY KEY (id),
        CONSTRAINT ck_audit_events_actor_type CHECK (actor_type IN ('user', 'package', 'device', 'system'))
      )`);
    await q.query(`CREATE INDEX ix_audit_events_request ON audit_events (request_id, id DESC)`);
    await q.query(`CREATE INDEX ix_audit_events_actor ON audit_events (actor, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
  }
}
