import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The certificates issued to a person (GET /api/v1/users/{id}/certificates, superseding at issue). */
export class IndexCertificatesByUser1764000000033 implements MigrationInterface {
  name = 'IndexCertificatesByUser1764000000033';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_certificates_user ON certificates (user_id, created_at DESC) WHERE user_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_certificates_user`);
  }
}
