import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The root CA goes offline: its key leaves the database (the API moves it to a file at start and
 * empties the column; from then on only ceremonies read it), the root's delegated OCSP responder
 * is stored beside the CAs (its key online, like the issuing key), and the root publishes a CRL
 * of its own, signed in a ceremony, with a long validity.
 */
export class TakeTheRootOffline1764000000014 implements MigrationInterface {
  name = 'TakeTheRootOffline1764000000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE certificate_authorities ALTER COLUMN encrypted_key_pem DROP NOT NULL`);
    await q.query(`ALTER TABLE certificate_authorities DROP CONSTRAINT ck_certificate_authorities_name`);
    await q.query(
      `ALTER TABLE certificate_authorities ADD CONSTRAINT ck_certificate_authorities_name CHECK (name IN ('root', 'issuing', 'root-ocsp'))`,
    );
    await q.query(`
      CREATE TABLE root_crls (
        crl_number bigint NOT NULL,
        this_update timestamptz NOT NULL,
        next_update timestamptz NOT NULL,
        der bytea NOT NULL,
        CONSTRAINT pk_root_crls PRIMARY KEY (crl_number)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE root_crls`);
    await q.query(`DELETE FROM certificate_authorities WHERE name = 'root-ocsp'`);
    await q.query(`ALTER TABLE certificate_authorities DROP CONSTRAINT ck_certificate_authorities_name`);
    await q.query(
      `ALTER TABLE certificate_authorities ADD CONSTRAINT ck_certificate_authorities_name CHECK (name IN ('root', 'issuing'))`,
    );
    // A root whose key went offline does not come back to the database: the column stays nullable then.
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM certificate_authorities WHERE encrypted_key_pem IS NULL) THEN
          ALTER TABLE certificate_authorities ALTER COLUMN encrypted_key_pem SET NOT NULL;
        END IF;
      END $$`);
  }
}
