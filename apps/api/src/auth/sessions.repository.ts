import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '@enroll/domain';
import { Batcher } from '../common/batcher';
import { pool, rows, type Queryable } from '../common/sql';

/** A live session as the session check reads it: only sessions of enabled accounts are found. */
export interface SessionRow {
  user_id: string;
  username: string;
  role: Role;
  organization_code: string | null;
  csrf_token: string;
  /** The user certificate the session was opened with, if any (checked on every request). */
  certificate_serial: string | null;
}

export interface NewSession {
  readonly tokenHash: Buffer;
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly certificateSerial: string | null;
}

/** Every statement on `sessions`. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly db: DataSource) {}

  /** Every portal and manager call starts here: concurrent lookups share a round trip (nothing cached). */
  private readonly reads = new Batcher<string, SessionRow>(async (hashes) => {
    const found = await rows<SessionRow & { hash: string }>(
      pool(this.db),
      `SELECT encode(s.token_hash, 'hex') AS hash, s.user_id, u.username, u.role, o.code AS organization_code, s.csrf_token, s.certificate_serial
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN organizations o ON o.id = u.organization_id
        WHERE s.token_hash IN (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h) AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [hashes],
    );
    return new Map(found.map((r) => [r.hash, r]));
  });

  /** The live session of a token hash (hex), if any. */
  find(hashHex: string): Promise<SessionRow | undefined> {
    return this.reads.load([hashHex]).then((found) => found.get(hashHex));
  }

  async insert(q: Queryable, session: NewSession): Promise<void> {
    await q.query(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, certificate_serial) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        session.tokenHash,
        session.userId,
        session.csrfToken,
        session.createdAt,
        session.expiresAt,
        session.certificateSerial,
      ],
    );
  }

  async end(q: Queryable, tokenHash: Buffer, userId: string): Promise<void> {
    await q.query(`DELETE FROM sessions WHERE token_hash = $1 AND user_id = $2`, [tokenHash, userId]);
  }

  /** Ends every session of a person (disabled, password reset), but `keep` (the caller's own, after a change of its password). */
  async endAll(q: Queryable, userId: string, keep?: Buffer): Promise<number> {
    const ended = await rows<{ user_id: string }>(
      q,
      `DELETE FROM sessions WHERE user_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2) RETURNING user_id`,
      [userId, keep ?? null],
    );
    return ended.length;
  }
}
