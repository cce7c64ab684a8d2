import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSessions1764000000001 implements MigrationInterface {
  name = 'CreateSessions1764000000001';

  async up(q: QueryRunner): Promise<void> {
    // Opaque session tokens, stored as SHA-256 only: any API process can check them, logout is immediate.
    await q.query(`
      CREATE TABLE sessions (
        token_hash bytea NOT NULL,
        user_id uuid NOT NULL,
        csrf_token varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT pk_sessions PRIMARY KEY (token_hash),
        CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_sessions_user ON sessions (user_id)`);
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_failures`);
    await q.query(`DROP TABLE sessions`);
  }
}
