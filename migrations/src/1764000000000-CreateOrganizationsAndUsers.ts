import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganizationsAndUsers1764000000000 implements MigrationInterface {
  name = 'CreateOrganizationsAndUsers1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(200) NOT NULL,
        country char(2) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_organizations PRIMARY KEY (id),
        CONSTRAINT uq_organizations_code UNIQUE (code),
        CONSTRAINT ck_organizations_code CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
        CONSTRAINT ck_organizations_country CHECK (country ~ '^[A-Z]{2}$')
      )`);
    await q.query(`
      CREATE TABLE users (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        username varchar(64) NOT NULL,
        password_hash text NOT NULL,
        role varchar(16) NOT NULL,
        organization_id uuid NULL,
        email varchar(255) NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_users PRIMARY KEY (id),
        CONSTRAINT uq_users_username UNIQUE (username),
        CONSTRAINT fk_users_organization FOREIGN KEY (organization_id) REFERENCES organizations (id),
        CONSTRAINT ck_users_role CHECK (role IN ('admin', 'manager')),
        CONSTRAINT ck_users_manager_organization CHECK (role = 'admin' OR organization_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX ix_users_organization ON users (organization_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE organizations`);
  }
}
