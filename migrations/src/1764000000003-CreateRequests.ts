import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRequests1764000000003 implements MigrationInterface {
  name = 'CreateRequests1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE requests (
        id bigint GENERATED ALWAYS AS IDENTITY,
        organization_id uuid NOT NULL,
        package_id uuid NOT NULL,
        kind varchar(16) NOT NULL,
        status varchar(16) NOT NULL,
        enrollment_type varchar(16) NOT NULL,
        common_name varchar(64) NOT NULL,
        subject text NOT NULL,
        csr_der bytea NOT NULL,
        spki_sha256 bytea NOT NULL,
        public_key jsonb NOT NULL,
        requested_extensions jsonb NOT NULL,
        device jsonb NOT NULL DEFAULT '{}',
        phone varchar(64) NULL,
        description varchar(2000) NULL,
        requested_by varchar(256) NOT NULL,
        rejection_reason text NULL,
        certificate_serial varchar(40) NULL,
        submitted_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        downloaded_at timestamptz NULL,
        downloaded_by varchar(256) NULL,
        CONSTRAINT pk_requests PRIMARY KEY (id),
        CONSTRAINT fk_requests_organization FOREIGN KEY (organization_id) REFERENCES organizations (id),
        CONSTRAINT fk_requests_package FOREIGN KEY (package_id) REFERENCES enrollment_packages (id),
        CONSTRAINT ck_requests_kind CHECK (kind IN ('workstation', 'server', 'mobile', 'external')),
        CONSTRAINT ck_requests_status CHECK (status IN ('Requested', 'Pending', 'Approved', 'Rejected', 'Cancelled', 'Installed', 'Downloaded', 'Revoked')),
        CONSTRAINT ck_requests_enrollment_type CHECK (enrollment_type IN ('Machine', 'User', 'External'))
      )`);
    // At most one open request per organization, kind and common name, whatever the concurrency.
    await q.query(`
      CREATE UNIQUE INDEX ux_requests_open_subject ON requests (organization_id, kind, common_name)
      WHERE status IN ('Requested', 'Pending')`);
    // The queue: newest first (keyset on id), filtered by organization and/or status and/or kind.
    await q.query(`CREATE INDEX ix_requests_status_id ON requests (status, id DESC)`);
    await q.query(`CREATE INDEX ix_requests_organization_status_id ON requests (organization_id, status, id DESC)`);
    await q.query(`CREATE INDEX ix_requests_organization_id ON requests (organization_id, id DESC)`);
    await q.query(`CREATE INDEX ix_requests_kind_status_id ON requests (kind, status, id DESC)`);
    await q.query(`CREATE INDEX ix_requests_package_id ON requests (package_id, id DESC)`);
    // Search by prefix of the common name or the requester, case-insensitive.
    await q.query(`CREATE INDEX ix_requests_common_name_prefix ON requests (lower(common_name) text_pattern_ops)`);
    await q.query(`CREATE INDEX ix_requests_requested_by_prefix ON requests (lower(requested_by) text_pattern_ops)`);
    await q.query(`CREATE INDEX ix_requests_spki ON requests (spki_sha256)`);
    await q.query(`
      CREATE TABLE request_history (
        id bigint GENERATED ALWAYS AS IDENTITY,
        request_id bigint NOT NULL,
        status varchar(16) NOT NULL,
        at timestamptz NOT NULL,
        actor varchar(256) NOT NULL,
        actor_type varchar(16) NOT NULL,
        reason text NULL,
        CONSTRAINT pk_request_history PRIMARY KEY (id),
        CONSTRAINT fk_request_history_request FOREIGN KEY (request_id) REFERENCES requests (id) ON DELETE CASCADE,
        CONSTRAINT ck_request_history_actor_type CHECK (actor_type IN ('user', 'package', 'device', 'system'))
      )`);
    await q.query(`CREATE INDEX ix_request_history_request ON request_history (request_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE request_history`);
    await q.query(`DROP TABLE requests`);
  }
}
