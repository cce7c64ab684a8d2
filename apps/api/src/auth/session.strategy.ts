import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { DataSource } from 'typeorm';
import type { Role } from '@enroll/domain';
import { AppError } from '../common/app-error';
import { Batcher } from '../common/batcher';
import { pool, rows } from '../common/sql';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { bearerToken, hashToken } from '../common/tokens';

export const SESSION_COOKIE = 'enroll_session';
export const CSRF_COOKIE = 'enroll_csrf';

interface SessionRow {
  user_id: string;
  username: string;
  role: Role;
  organization_code: string | null;
  csrf_token: string;
}

/** Authenticates a person by session token: the bearer header, or the portal's httpOnly cookie. */
@Injectable()
export class SessionStrategy extends PassportStrategy(Strategy, 'session') {
  constructor(private readonly db: DataSource) {
    super();
  }

  /** Every portal and manager call starts here: concurrent lookups share a round trip (nothing cached). */
  private readonly sessions = new Batcher<string, SessionRow>(async (hashes) => {
    const found = await rows<SessionRow & { hash: string }>(
      pool(this.db),
      `SELECT encode(s.token_hash, 'hex') AS hash, s.user_id, u.username, u.role, o.code AS organization_code, s.csrf_token
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN organizations o ON o.id = u.organization_id
        WHERE s.token_hash IN (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h) AND s.expires_at > now()`,
      [hashes],
    );
    return new Map(found.map((r) => [r.hash, r]));
  });

  async validate(request: AuthenticatedRequest): Promise<UserPrincipal> {
    const bearer = bearerToken(request.headers.authorization);
    const cookies = request.cookies as Record<string, string | undefined> | undefined;
    const token = bearer ?? cookies?.[SESSION_COOKIE];
    if (!token?.startsWith('ens_')) {
      throw new AppError('UNAUTHENTICATED', 'Sign in first: no valid session was presented.');
    }
    const hash = hashToken(token).toString('hex');
    const row = (await this.sessions.load([hash])).get(hash);
    if (!row) {
      throw new AppError('UNAUTHENTICATED', 'The session has expired or was signed out: sign in again.');
    }
    return {
      type: 'user',
      actor: { userId: row.user_id, username: row.username, role: row.role, ...(row.organization_code ? { organizationCode: row.organization_code } : {}) },
      csrfToken: row.csrf_token,
      viaCookie: bearer === undefined,
    };
  }
}
