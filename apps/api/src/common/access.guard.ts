import { type CanActivate, type ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ACCESS_KEY, DEFAULT_ACCESS, type Access } from './access.decorators';
import { AppError } from './app-error';
import type { AuthenticatedRequest } from './principal';
import { sameSecret } from './tokens';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The global guard: every route is guarded; `@Public()` opens one deliberately. Sessions need
 * the right role, and cookie-authenticated unsafe methods need the CSRF header.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly session = new (AuthGuard('session'))();
  private readonly package = new (AuthGuard('package'))();
  private readonly device = new (AuthGuard('device'))();

  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ??
      DEFAULT_ACCESS;
    switch (access.kind) {
      case 'public':
        return true;
      case 'package':
        await this.authenticate(this.package, context);
        return true;
      case 'device':
        await this.authenticate(this.device, context);
        return true;
      case 'user': {
        await this.authenticate(this.session, context);
        const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
        const principal = request.user;
        if (principal?.type !== 'user') {
          throw new AppError('UNAUTHENTICATED', 'Sign in first.');
        }
        if (principal.viaCookie && !SAFE_METHODS.has(request.method)) {
          const header = request.headers['x-csrf-token'];
          if (typeof header !== 'string' || !sameSecret(header, principal.csrfToken)) {
            throw new AppError(
              'CSRF_TOKEN_INVALID',
              'Send the X-CSRF-Token header with the value of the enroll_csrf cookie.',
            );
          }
        }
        if (!access.roles.includes(principal.actor.role)) {
          throw new AppError('FORBIDDEN', 'Your role may not do this.');
        }
        return true;
      }
    }
  }

  /**
   * A strategy's own refusal (AppError) or passport's (an HttpException) is a 401 or 403. Anything
   * else is not about the credential, and goes to the filter as it is: a database that cannot be
   * reached is a 503, so that a client never throws a valid token away because of an outage.
   */
  private async authenticate(guard: CanActivate, context: ExecutionContext): Promise<void> {
    try {
      await guard.canActivate(context);
    } catch (error) {
      if (error instanceof AppError || !(error instanceof HttpException)) {
        throw error;
      }
      throw new AppError('UNAUTHENTICATED', 'Authentication is required.');
    }
  }
}
