import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the enrollment core records at submission so that nothing parses the CSR again:
 * - `channel`: the front door the request came through (the enroll client over REST today;
 *   EST, SCEP and renewal later), shown to the approver.
 * - `spki_der`: the subject public key exactly as the CSR carried it, which approval certifies.
 * - `csr_facts`: the CSR's own subject, signature algorithm and the profile input taken from it.
 * Requests stored before this migration have NULL in the last two; they are read from csr_der.
 */
export class AddRequestChannelAndKey1764000000011 implements MigrationInterface {
  name = 'AddRequestChannelAndKey1764000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests ADD COLUMN channel varchar(16) NOT NULL DEFAULT 'client'`);
    await q.query(
      `ALTER TABLE requests ADD CONSTRAINT ck_requests_channel CHECK (channel IN ('client', 'est', 'scep', 'renewal'))`,
    );
    await q.query(`ALTER TABLE requests ADD COLUMN spki_der bytea NULL`);
    await q.query(`ALTER TABLE requests ADD COLUMN csr_facts jsonb NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests DROP COLUMN csr_facts`);
    await q.query(`ALTER TABLE requests DROP COLUMN spki_der`);
    await q.query(`ALTER TABLE requests DROP CONSTRAINT ck_requests_channel`);
    await q.query(`ALTER TABLE requests DROP COLUMN channel`);
  }
}
