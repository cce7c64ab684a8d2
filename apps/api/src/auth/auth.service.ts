import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor } from '@enroll/domain';
import type { Me } from '@enroll/contract';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuthorityService } from '../authority';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import type { DevicePrincipal } from '../common/principal';
import { hashToken, newToken } from '../common/tokens';
import { AuditService } from '../audit/audit.service';
import { UsersRepository, type AccountRow } from '../users/users.repository';
import { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './password';
import { SessionsRepository } from './sessions.repository';

export interface SessionGrant {
  readonly accessToken: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
  readonly user: Me;
}

type SignInMethod = 'password' | 'certificate' | 'certificate-and-password';

const WRONG = 'The user name or the password is wrong.';

/**
 * Sign-in, sign-out and a person's own password. Attempts are limited per account and address
 * (LoginThrottle) and reserved before the password is checked; the limit holds across processes.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly throttle: LoginThrottle,
    private readonly authority: AuthorityService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Signs a person in with user name and password. */
  async login(username: string, password: string, ip: string): Promise<SessionGrant> {
    const now = this.clock.now();
    await this.throttle.reserve(username, ip, now);
    const user = await this.users.byUsername(username);
    if (!(await verifyPassword(user?.password_hash, password)) || !user) {
      throw new AppError('INVALID_CREDENTIALS', WRONG);
    }
    // Past this point the caller knows the password: saying why it cannot sign in tells nothing new.
    await this.assertEnabled(user, ip);
    if (user.role === 'manager' && this.config.managerSignIn !== 'password') {
      await this.throttle.succeeded(this.db, user.username, ip);
      throw new AppError(
        'CERTIFICATE_SIGN_IN_REQUIRED',
        'Managers sign in with their user certificate, on the mutual-TLS port of the portal.',
      );
    }
    return this.openSession(user, 'password', null, ip, now);
  }

  /**
   * Signs a person in with the user certificate presented over mutual TLS (the device strategy
   * has checked it: this CA's, current, not revoked now). With `certificate-and-password`, a
   * manager also gives its password.
   */
  async loginWithCertificate(
    presented: DevicePrincipal,
    password: string | undefined,
    ip: string,
  ): Promise<SessionGrant> {
    const now = this.clock.now();
    const userId = await this.authority.userOf(presented.serialNumber);
    const user = userId === undefined ? undefined : await this.users.byId(userId);
    if (!user) {
      throw new AppError(
        'NOT_A_USER_CERTIFICATE',
        "This certificate is not a person's user certificate: sign in with the certificate the centre issued to you.",
      );
    }
    const needsPassword = user.role === 'manager' && this.config.managerSignIn === 'certificate-and-password';
    if (needsPassword || password !== undefined) {
      await this.throttle.reserve(user.username, ip, now);
      if (password === undefined || !(await verifyPassword(user.password_hash, password))) {
        throw new AppError('INVALID_CREDENTIALS', needsPassword ? 'Give your password with your certificate.' : WRONG);
      }
    }
    await this.assertEnabled(user, ip);
    return this.openSession(
      user,
      password === undefined ? 'certificate' : 'certificate-and-password',
      presented.serialNumber,
      ip,
      now,
    );
  }

  async logout(actor: Actor, token: string | undefined): Promise<void> {
    if (token) {
      await this.sessions.end(this.db, hashToken(token), actor.userId);
    }
  }

  /** A person changes its own password: its other sessions end, this one goes on. */
  async changePassword(
    actor: Actor,
    currentToken: string | undefined,
    currentPassword: string,
    newPassword: string,
    ip: string,
  ): Promise<void> {
    const now = this.clock.now();
    await this.throttle.reserve(actor.username, ip, now);
    const user = await this.users.byId(actor.userId);
    if (!user || !(await verifyPassword(user.password_hash, currentPassword))) {
      throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong.');
    }
    const passwordHash = await hashPassword(newPassword);
    await this.db.transaction(async (q) => {
      await this.users.setPassword(q, user.id, passwordHash);
      const ended = await this.sessions.endAll(q, user.id, currentToken ? hashToken(currentToken) : undefined);
      await this.throttle.succeeded(q, user.username, ip);
      await this.audit.record(q, {
        at: now,
        actor: user.username,
        actorType: 'user',
        action: 'user.password.change',
        organizationId: user.organization_id,
        target: user.username,
        details: { sessionsEnded: ended, ip },
      });
    });
  }

  private async assertEnabled(user: AccountRow, ip: string): Promise<void> {
    if (user.disabled_at !== null) {
      await this.throttle.succeeded(this.db, user.username, ip);
      throw new AppError('ACCOUNT_DISABLED', 'This account is disabled: ask a centre administrator.');
    }
  }

  private async openSession(
    user: AccountRow,
    method: SignInMethod,
    certificateSerial: string | null,
    ip: string,
    now: Date,
  ): Promise<SessionGrant> {
    const accessToken = newToken('ens');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.sessionHours * 3_600_000);
    await this.db.transaction(async (q) => {
      await this.sessions.insert(q, {
        tokenHash: hashToken(accessToken),
        userId: user.id,
        csrfToken,
        createdAt: now,
        expiresAt,
        certificateSerial,
      });
      await this.throttle.succeeded(q, user.username, ip);
      await this.audit.record(q, {
        at: now,
        actor: user.username,
        actorType: 'user',
        action: 'auth.login',
        organizationId: user.organization_id,
        details: { ip, method, ...(certificateSerial ? { serialNumber: certificateSerial } : {}) },
      });
    });
    return {
      accessToken,
      csrfToken,
      expiresAt,
      user: { id: user.id, username: user.username, role: user.role, organizationCode: user.organization_code },
    };
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
        await this.audit.record(manager, {
          at: this.clock.now(),
          actor: 'system',
          actorType: 'system',
          action: 'user.bootstrap-admin',
          target: 'admin',
        });
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
