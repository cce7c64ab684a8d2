import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCEP (RFC 8894): each package gets a challenge password, a secret shown once at creation and
 * stored as SHA-256 only, like the token; it identifies the package in a PKCSReq. Packages made
 * before have none, and cannot enroll by SCEP until they are replaced.
 *
 * scep_transactions ties a SCEP transactionID to the request it created, so that a poll
 * (GetCertInitial, or the same PKCSReq sent again) finds its request. A transactionID alone is
 * not enough: a re-enrollment with the same key reuses it, so the lookup also compares the CSR
 * (or, for GetCertInitial, the requester's key).
 */
export class AddScepFrontDoor1764000000050 implements MigrationInterface {
  name = 'AddScepFrontDoor1764000000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment_packages ADD COLUMN scep_challenge_hash bytea NULL`);
    await q.query(
      `CREATE UNIQUE INDEX uq_enrollment_packages_scep_challenge ON enrollment_packages (scep_challenge_hash) WHERE scep_challenge_hash IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE scep_transactions (
        request_id bigint NOT NULL,
        transaction_id varchar(256) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_scep_transactions PRIMARY KEY (request_id),
        CONSTRAINT fk_scep_transactions_request FOREIGN KEY (request_id) REFERENCES requests(id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_scep_transactions_transaction ON scep_transactions (transaction_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scep_transactions`);
    await q.query(`DROP INDEX uq_enrollment_packages_scep_challenge`);
    await q.query(`ALTER TABLE enrollment_packages DROP COLUMN scep_challenge_hash`);
  }
}
