import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in limiting as one counter row per key (an account from one address, or one address),
 * replacing the log of failures. An attempt is reserved by an upsert before the password is
 * checked: the row lock of INSERT ... ON CONFLICT DO UPDATE serializes concurrent attempts on a
 * key, so 20 guesses at once are counted one by one instead of all reading the same count.
 * `next_at` is when the key may try again (the back-off); `username` lets an administrator clear
 * an account's rows.
 */
export class CreateLoginThrottle1764000000032 implements MigrationInterface {
  name = 'CreateLoginThrottle1764000000032';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        key varchar(160) NOT NULL,
        username varchar(64) NULL,
        failures integer NOT NULL,
        next_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_login_throttle PRIMARY KEY (key)
      )`);
    await q.query(`CREATE INDEX ix_login_throttle_username ON login_throttle (username) WHERE username IS NOT NULL`);
    await q.query(`DROP TABLE login_failures`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_failures (
        id bigint GENERATED ALWAYS AS IDENTITY,
        username varchar(64) NOT NULL,
        ip varchar(64) NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_login_failures PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX ix_login_failures_username_at ON login_failures (username, at)`);
    await q.query(`CREATE INDEX ix_login_failures_ip_at ON login_failures (ip, at)`);
    await q.query(`DROP TABLE login_throttle`);
  }
}
