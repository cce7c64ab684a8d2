import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEnrollmentPackages1764000000002 implements MigrationInterface {
  name = 'CreateEnrollmentPackages1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enrollment_packages (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        environment varchar(64) NOT NULL,
        store varchar(8) NOT NULL,
        kinds varchar(16)[] NOT NULL,
        token_hash bytea NOT NULL,
        created_by uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz NULL,
        CONSTRAINT pk_enrollment_packages PRIMARY KEY (id),
        CONSTRAINT uq_enrollment_packages_token_hash UNIQUE (token_hash),
        CONSTRAINT fk_enrollment_packages_organization FOREIGN KEY (organization_id) REFERENCES organizations (id),
        CONSTRAINT fk_enrollment_packages_created_by FOREIGN KEY (created_by) REFERENCES users (id),
        CONSTRAINT ck_enrollment_packages_store CHECK (store IN ('machine', 'user')),
        CONSTRAINT ck_enrollment_packages_kinds CHECK (
          cardinality(kinds) > 0 AND kinds <@ ARRAY['workstation', 'server', 'mobile', 'external']::varchar(16)[])
      )`);
    await q.query(`CREATE INDEX ix_enrollment_packages_organization ON enrollment_packages (organization_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrollment_packages`);
  }
}
