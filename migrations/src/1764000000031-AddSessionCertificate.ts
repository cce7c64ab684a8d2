import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session opened with a manager's user certificate (POST /api/v1/auth/login/certificate)
 * remembers that certificate: when it is revoked, the session stops working on the next request.
 * No foreign key: the certificates table belongs to the authority, which answers for its status.
 */
export class AddSessionCertificate1764000000031 implements MigrationInterface {
  name = 'AddSessionCertificate1764000000031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions ADD COLUMN certificate_serial varchar(40) NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions DROP COLUMN certificate_serial`);
  }
}
