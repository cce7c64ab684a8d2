import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { AuthorityService } from '../authority';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { bearerToken, hashToken } from '../common/tokens';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SessionsRepository } from './sessions.repository';

export const SESSION_COOKIE = 'enroll_session';
export const CSRF_COOKIE = 'enroll_csrf';

/**
 * Authenticates a person by session token: the bearer header, or the portal's httpOnly cookie.
 * Checked on every request, nothing cached: a disabled account's sessions are not found, and a
 * session opened with a user certificate ends when that certificate is revoked or expires.
 */
@Injectable()
export class SessionStrategy extends PassportStrategy(Strategy, 'session') {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly authority: AuthorityService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async validate(request: AuthenticatedRequest): Promise<UserPrincipal> {
    const bearer = bearerToken(request.headers.authorization);
    const cookies = request.cookies as Record<string, string | undefined> | undefined;
    const token = bearer ?? cookies?.[SESSION_COOKIE];
    if (!token?.startsWith('ens_')) {
      throw new AppError('UNAUTHENTICATED', 'Sign in first: no valid session was presented.');
    }
    const row = await this.sessions.find(hashToken(token).toString('hex'));
    if (!row) {
      throw new AppError(
        'UNAUTHENTICATED',
        'The session has expired, was signed out or its account disabled: sign in again.',
      );
    }
    if (row.certificate_serial !== null) {
      const certificate = await this.authority.status(row.certificate_serial);
      if (
        !certificate ||
        certificate.status !== 'valid' ||
        certificate.not_after.getTime() <= this.clock.now().getTime()
      ) {
        throw new AppError(
          'UNAUTHENTICATED',
          'The certificate this session was opened with is no longer valid: sign in again.',
        );
      }
    } else if (row.role === 'manager' && this.config.managerSignIn !== 'password') {
      // Opened with a password before the centre required certificates.
      throw new AppError('UNAUTHENTICATED', 'Managers sign in with their user certificate: sign in again.');
    }
    return {
      type: 'user',
      actor: {
        userId: row.user_id,
        username: row.username,
        role: row.role,
        ...(row.organization_code ? { organizationCode: row.organization_code } : {}),
      },
      csrfToken: row.csrf_token,
      viaCookie: bearer === undefined,
    };
  }
}
