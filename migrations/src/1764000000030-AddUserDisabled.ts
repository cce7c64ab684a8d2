import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People's lifecycle: an administrator disables an account (and enables it again) instead of
 * deleting it, so that its audit trail and certificates keep their owner. A disabled account
 * cannot sign in, and its sessions end at once (the session check reads this column).
 */
export class AddUserDisabled1764000000030 implements MigrationInterface {
  name = 'AddUserDisabled1764000000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN disabled_at`);
  }
}
