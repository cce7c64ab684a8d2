import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DeviceAuth, Public, Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, DevicePrincipal, UserPrincipal } from '../common/principal';
import { bearerToken } from '../common/tokens';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuthService, type SessionGrant } from './auth.service';
import { CertificateLoginDto } from './dto/certificate-login.dto';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto } from './dto/login.dto';
import { CSRF_COOKIE, SESSION_COOKIE } from './session.strategy';

const sessionToken = (request: AuthenticatedRequest): string | undefined =>
  bearerToken(request.headers.authorization) ?? (request.cookies as Record<string, string | undefined>)[SESSION_COOKIE];

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
    return this.answer(await this.auth.login(body.username, body.password, request.ip ?? 'unknown'), response);
  }

  @DeviceAuth()
  @Post('login/certificate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a user certificate presented over mutual TLS (the mTLS port)' })
  async loginWithCertificate(
    @Body() body: CertificateLoginDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.answer(
      await this.auth.loginWithCertificate(request.user as DevicePrincipal, body.password, request.ip ?? 'unknown'),
      response,
    );
  }

  @Roles('admin', 'manager')
  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  async logout(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout((request.user as UserPrincipal).actor, sessionToken(request));
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.clearCookie(CSRF_COOKIE, { path: '/' });
  }

  @Roles('admin', 'manager')
  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your own password: your other sessions end' })
  async changePassword(@Req() request: AuthenticatedRequest, @Body() body: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(
      (request.user as UserPrincipal).actor,
      sessionToken(request),
      body.currentPassword,
      body.newPassword,
      request.ip ?? 'unknown',
    );
  }

  @Roles('admin', 'manager')
  @Get('me')
  @ApiBearerAuth()
  me(@Req() request: AuthenticatedRequest) {
    const { actor } = request.user as UserPrincipal;
    return {
      id: actor.userId,
      username: actor.username,
      role: actor.role,
      organizationCode: actor.organizationCode ?? null,
    };
  }

  /** The session in the answer and in the portal's cookies (httpOnly session, readable CSRF token). */
  private answer(grant: SessionGrant, response: Response) {
    const secure = this.config.publicUrl.startsWith('https:');
    const common = { sameSite: 'strict' as const, secure, path: '/', expires: grant.expiresAt };
    response.cookie(SESSION_COOKIE, grant.accessToken, { ...common, httpOnly: true });
    response.cookie(CSRF_COOKIE, grant.csrfToken, { ...common, httpOnly: false });
    return { accessToken: grant.accessToken, csrfToken: grant.csrfToken, expiresAt: grant.expiresAt, user: grant.user };
  }
}
