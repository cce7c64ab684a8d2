import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCertificates1764000000004 implements MigrationInterface {
  name = 'CreateCertificates1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE certificates (
        serial varchar(40) NOT NULL,
        request_id bigint NULL,
        user_id uuid NULL,
        organization_id uuid NULL,
        profile varchar(16) NOT NULL,
        issuer_key_id bytea NOT NULL,
        subject text NOT NULL,
        common_name varchar(64) NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        der bytea NOT NULL,
        spki_sha256 bytea NOT NULL,
        status varchar(8) NOT NULL DEFAULT 'valid',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_certificates PRIMARY KEY (serial),
        CONSTRAINT uq_certificates_request UNIQUE (request_id),
        CONSTRAINT fk_certificates_request FOREIGN KEY (request_id) REFERENCES requests (id),
        CONSTRAINT fk_certificates_user FOREIGN KEY (user_id) REFERENCES users (id),
        CONSTRAINT fk_certificates_organization FOREIGN KEY (organization_id) REFERENCES organizations (id),
        CONSTRAINT ck_certificates_status CHECK (status IN ('valid', 'revoked')),
        CONSTRAINT ck_certificates_serial CHECK (serial ~ '^[0-9A-F]{1,40}$')
      )`);
    await q.query(`CREATE INDEX ix_certificates_organization_not_after ON certificates (organization_id, not_after)`);
    await q.query(`CREATE INDEX ix_certificates_status_not_after ON certificates (status, not_after)`);
    await q.query(`CREATE INDEX ix_certificates_created ON certificates (created_at DESC, serial)`);
    await q.query(`
      CREATE TABLE revocations (
        serial varchar(40) NOT NULL,
        revoked_at timestamptz NOT NULL,
        reason varchar(32) NOT NULL,
        actor varchar(256) NOT NULL,
        spki_sha256 bytea NOT NULL,
        not_after timestamptz NOT NULL,
        CONSTRAINT pk_revocations PRIMARY KEY (serial),
        CONSTRAINT fk_revocations_certificate FOREIGN KEY (serial) REFERENCES certificates (serial),
        CONSTRAINT ck_revocations_reason CHECK (reason IN ('unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'))
      )`);
    // Key-compromise checks at submission, and CRL building (entries stay until the certificate expires).
    await q.query(`CREATE INDEX ix_revocations_spki_reason ON revocations (spki_sha256, reason)`);
    await q.query(`CREATE INDEX ix_revocations_not_after ON revocations (not_after)`);
    await q.query(`
      CREATE TABLE crls (
        crl_number bigint NOT NULL,
        this_update timestamptz NOT NULL,
        next_update timestamptz NOT NULL,
        revocation_count integer NOT NULL,
        der bytea NOT NULL,
        CONSTRAINT pk_crls PRIMARY KEY (crl_number)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE crls`);
    await q.query(`DROP TABLE revocations`);
    await q.query(`DROP TABLE certificates`);
  }
}
