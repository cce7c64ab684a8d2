import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Packages told apart on the portal's page (issue 14): a label the administrator gives (say
 * "Accounting PCs, Bern"), and when the package was last used by a client. `last_used_at` is a
 * usage stamp written by the package authentication at most once a minute per process, outside
 * any transition: it records no decision and is not audited. Who made a package (`created_by`)
 * and the requests it made are already in the schema.
 */
export class DescribePackages1764000000072 implements MigrationInterface {
  name = 'DescribePackages1764000000072';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment_packages ADD COLUMN label varchar(100) NULL`);
    await q.query(`ALTER TABLE enrollment_packages ADD COLUMN last_used_at timestamptz NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment_packages DROP COLUMN last_used_at`);
    await q.query(`ALTER TABLE enrollment_packages DROP COLUMN label`);
  }
}
