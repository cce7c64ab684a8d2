import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Inject } from '@nestjs/common';
import { Public, Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { bearerToken } from '../common/tokens';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { CSRF_COOKIE, SESSION_COOKIE } from './session.strategy';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: a bearer token, and the session cookie for the portal' })
  async login(@Body() body: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const grant = await this.auth.login(body.username, body.password, request.ip ?? 'unknown');
    const secure = this.config.publicUrl.startsWith('https:');
    const common = { sameSite: 'strict' as const, secure, path: '/', expires: grant.expiresAt };
    response.cookie(SESSION_COOKIE, grant.accessToken, { ...common, httpOnly: true });
    response.cookie(CSRF_COOKIE, grant.csrfToken, { ...common, httpOnly: false });
    return { accessToken: grant.accessToken, csrfToken: grant.csrfToken, expiresAt: grant.expiresAt, user: grant.user };
  }

  @Roles('admin', 'manager')
  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  async logout(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: Response): Promise<void> {
    const principal = request.user as UserPrincipal;
    const cookies = request.cookies as Record<string, string | undefined>;
    await this.auth.logout(principal.actor, bearerToken(request.headers.authorization) ?? cookies[SESSION_COOKIE]);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.clearCookie(CSRF_COOKIE, { path: '/' });
  }

  @Roles('admin', 'manager')
  @Get('me')
  @ApiBearerAuth()
  me(@Req() request: AuthenticatedRequest) {
    const { actor } = request.user as UserPrincipal;
    return { id: actor.userId, username: actor.username, role: actor.role, organizationCode: actor.organizationCode ?? null };
  }
}
