import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCertificateAuthorities1764000000006 implements MigrationInterface {
  name = 'CreateCertificateAuthorities1764000000006';

  async up(q: QueryRunner): Promise<void> {
    // The CA lives in the database like all other state, so every API process loads the same one.
    // Keys are PKCS #8 encrypted under a passphrase that is never stored here.
    await q.query(`
      CREATE TABLE certificate_authorities (
        name varchar(16) NOT NULL,
        certificate_pem text NOT NULL,
        encrypted_key_pem text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_certificate_authorities PRIMARY KEY (name),
        CONSTRAINT ck_certificate_authorities_name CHECK (name IN ('root', 'issuing'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE certificate_authorities`);
  }
}
