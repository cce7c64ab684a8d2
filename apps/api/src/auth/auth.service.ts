import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor, Role } from '@enroll/domain';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { hashToken, newToken } from '../common/tokens';
import { AuditService } from '../audit/audit.service';
import { hashPassword, verifyPassword } from './password';

export interface SessionGrant {
  readonly accessToken: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
  readonly user: { id: string; username: string; role: Role; organizationCode: string | null };
}

const MAX_FAILURES_PER_USER = 5;
const MAX_FAILURES_PER_IP = 30;
const FAILURE_WINDOW_MINUTES = 15;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Signs a person in. Failures are counted in the database, so the limit holds across API processes. */
  async login(username: string, password: string, ip: string): Promise<SessionGrant> {
    const [counts] = await this.db.query<{ by_user: number; by_ip: number }[]>(
      `SELECT count(*) FILTER (WHERE username = $1)::int AS by_user, count(*) FILTER (WHERE ip = $2)::int AS by_ip
         FROM login_failures WHERE at > now() - make_interval(mins => $3) AND (username = $1 OR ip = $2)`,
      [username, ip, FAILURE_WINDOW_MINUTES],
    );
    if ((counts?.by_user ?? 0) >= MAX_FAILURES_PER_USER || (counts?.by_ip ?? 0) >= MAX_FAILURES_PER_IP) {
      throw new AppError('RATE_LIMITED', `Too many failed sign-ins: wait ${FAILURE_WINDOW_MINUTES} minutes and try again.`, { retryAfterSeconds: FAILURE_WINDOW_MINUTES * 60 });
    }
    const [user] = await this.db.query<{ id: string; username: string; role: Role; password_hash: string; organization_code: string | null }[]>(
      `SELECT u.id, u.username, u.role, u.password_hash, o.code AS organization_code
         FROM users u LEFT JOIN organizations o ON o.id = u.organization_id WHERE u.username = $1`,
      [username],
    );
    if (!(await verifyPassword(user?.password_hash, password)) || !user) {
      await this.db.query(`INSERT INTO login_failures (username, ip) VALUES ($1, $2)`, [username.slice(0, 64), ip.slice(0, 64)]);
      throw new AppError('INVALID_CREDENTIALS', 'The user name or the password is wrong.');
    }
    const accessToken = newToken('ens');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.sessionHours * 3_600_000);
    await this.db.transaction(async (manager) => {
      await manager.query(`INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
        hashToken(accessToken), user.id, csrfToken, now, expiresAt,
      ]);
      await manager.query(`DELETE FROM login_failures WHERE username = $1`, [username]);
      await this.audit.record(manager, { at: now, actor: user.username, actorType: 'user', action: 'auth.login', details: { ip } });
    });
    return { accessToken, csrfToken, expiresAt, user: { id: user.id, username: user.username, role: user.role, organizationCode: user.organization_code } };
  }

  async logout(actor: Actor, token: string | undefined): Promise<void> {
    if (token) {
      await this.db.query(`DELETE FROM sessions WHERE token_hash = $1 AND user_id = $2`, [hashToken(token), actor.userId]);
    }
  }

  /**
   * On a database with no user, creates `admin` with ENROLL_ADMIN_PASSWORD or a generated password,
   * which is returned (to be printed once) and never stored in clear. Safe with several processes.
   */
  async ensureFirstAdmin(): Promise<{ created: false } | { created: true; password: string; generated: boolean }> {
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    const passwordHash = await hashPassword(password);
    const inserted = await this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(7401)`);
      const rows: unknown[] = await manager.query(
        `INSERT INTO users (username, password_hash, role) SELECT 'admin', $1, 'admin' WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id`,
        [passwordHash],
      );
      if (rows.length > 0) {
        await this.audit.record(manager, { at: this.clock.now(), actor: 'system', actorType: 'system', action: 'user.bootstrap-admin', target: 'admin' });
      }
      return rows.length > 0;
    });
    if (!inserted) {
      return { created: false };
    }
    this.logger.log('Created the first administrator "admin".');
    return { created: true, password, generated };
  }
}
