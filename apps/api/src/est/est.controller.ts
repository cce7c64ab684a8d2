import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { REQUEST_KINDS, type RequestKind } from '@enroll/domain';
import { base64Lines, decodeBase64Body } from '@enroll/pki';
import { DeviceAuth, Public } from '../common/access.decorators';
import { AppError, notFound } from '../common/app-error';
import type { AuthenticatedRequest, DevicePrincipal } from '../common/principal';
import { PackageStrategy } from '../auth/package.strategy';
import { EstService, estRefusal, type EstOutcome } from './est.service';

/** How long a client should wait before it sends the same CSR again (RFC 7030 4.2.3). */
export const EST_RETRY_AFTER_SECONDS = 60;

/** No label: workstation (docs/api.md). */
const DEFAULT_KIND: RequestKind = 'workstation';

function kindOf(label: string | undefined): RequestKind {
  if (label === undefined) {
    return DEFAULT_KIND;
  }
  if (!(REQUEST_KINDS as readonly string[]).includes(label)) {
    throw notFound(`The EST label ${label.slice(0, 32)}`);
  }
  return label as RequestKind;
}

function sendBase64(response: Response, contentType: string, der: Buffer): void {
  response.status(200).setHeader('content-type', contentType);
  response.setHeader('content-transfer-encoding', 'base64');
  response.send(base64Lines(der));
}

/** The username and password of an HTTP Basic header. */
function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) {
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * EST (RFC 7030) under /.well-known/est/ on the mutual-TLS port (the HTTP port refuses it: the
 * package token travels as the Basic password). An optional label names the kind.
 */
@ApiTags('est')
@Controller('.well-known/est')
export class EstController {
  constructor(
    private readonly est: EstService,
    private readonly packages: PackageStrategy,
  ) {}

  @Public()
  @Get('cacerts')
  @ApiOperation({ summary: 'EST /cacerts: the CA chain, certs-only PKCS #7 in base64' })
  cacerts(@Req() request: Request, @Res() response: Response): void {
    this.labelledCacerts(request, undefined, response);
  }

  @Public()
  @Get(':label/cacerts')
  @ApiOperation({ summary: 'EST /cacerts under a label (the kind)' })
  labelledCacerts(@Req() request: Request, @Param('label') label: string | undefined, @Res() response: Response): void {
    kindOf(label);
    requireTls(request);
    sendBase64(response, 'application/pkcs7-mime', this.est.cacerts());
  }

  @Public()
  @Get('csrattrs')
  @ApiOperation({ summary: 'EST /csrattrs: what a CSR should carry (CsrAttrs, base64)' })
  csrattrs(@Req() request: Request, @Res() response: Response): void {
    this.labelledCsrattrs(request, undefined, response);
  }

  @Public()
  @Get(':label/csrattrs')
  @ApiOperation({ summary: 'EST /csrattrs for the kind the label names' })
  labelledCsrattrs(
    @Req() request: Request,
    @Param('label') label: string | undefined,
    @Res() response: Response,
  ): void {
    const kind = kindOf(label);
    requireTls(request);
    sendBase64(response, 'application/csrattrs', this.est.csrattrs(kind));
  }

  @Public()
  @Post('simpleenroll')
  @HttpCode(200)
  @ApiOperation({
    summary: 'EST /simpleenroll: Basic auth with the package token as password; 202 + Retry-After while Pending',
  })
  simpleenroll(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.labelledSimpleenroll(request, undefined, response);
  }

  @Public()
  @Post(':label/simpleenroll')
  @HttpCode(200)
  @ApiOperation({ summary: 'EST /simpleenroll for the kind the label names' })
  async labelledSimpleenroll(
    @Req() request: Request,
    @Param('label') label: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const kind = kindOf(label);
    requireTls(request);
    const credentials = basicCredentials(request.headers.authorization);
    let pkg;
    try {
      if (!credentials) {
        throw new AppError(
          'UNAUTHENTICATED',
          'Send HTTP Basic credentials: any user name, the package token as password.',
        );
      }
      pkg = await this.packages.validate({
        headers: { authorization: `Bearer ${credentials.password}` },
      } as unknown as AuthenticatedRequest);
    } catch (error) {
      if (!(error instanceof AppError)) {
        throw error;
      }
      await this.est.refusedCredential(error.message);
      response.setHeader('www-authenticate', 'Basic realm="Enroll EST", charset="UTF-8"');
      throw error;
    }
    const csr = decodeBase64Body(request.body as Buffer | undefined);
    if (!csr) {
      throw new AppError('VALIDATION_FAILED', 'The body must be a base64 PKCS #10 CSR (application/pkcs10).');
    }
    const requestedBy = credentials.user.trim().slice(0, 200) || 'EST';
    await this.answer(response, () => this.est.simpleenroll(pkg, kind, csr, requestedBy));
  }

  @DeviceAuth()
  @Post('simplereenroll')
  @HttpCode(200)
  @ApiOperation({ summary: 'EST /simplereenroll: renewal of the certificate presented over mutual TLS' })
  simplereenroll(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    return this.labelledSimplereenroll(request, undefined, response);
  }

  @DeviceAuth()
  @Post(':label/simplereenroll')
  @HttpCode(200)
  @ApiOperation({ summary: 'EST /simplereenroll under a label (the renewal keeps the current kind)' })
  async labelledSimplereenroll(
    @Req() request: AuthenticatedRequest,
    @Param('label') label: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    kindOf(label);
    const csr = decodeBase64Body(request.body as Buffer | undefined);
    if (!csr) {
      throw new AppError('VALIDATION_FAILED', 'The body must be a base64 PKCS #10 CSR (application/pkcs10).');
    }
    await this.answer(response, () => this.est.simplereenroll(request.user as DevicePrincipal, csr));
  }

  private async answer(response: Response, run: () => Promise<EstOutcome>): Promise<void> {
    let outcome: EstOutcome;
    try {
      outcome = await run();
    } catch (error) {
      throw estRefusal(error);
    }
    response.setHeader('x-enroll-request-id', String(outcome.requestId));
    switch (outcome.status) {
      case 'issued':
        sendBase64(response, 'application/pkcs7-mime; smime-type=certs-only', outcome.pkcs7);
        return;
      case 'pending':
        response.setHeader('retry-after', String(EST_RETRY_AFTER_SECONDS));
        response
          .status(202)
          .type('text/plain')
          .send(`Request ${outcome.requestId} waits for approval: send the same CSR again later.\n`);
        return;
      case 'refused':
        throw new AppError('FORBIDDEN', outcome.reason, { requestId: outcome.requestId });
    }
  }
}

/** EST is for the mutual-TLS port only: over plain HTTP the token would travel in the clear. */
function requireTls(request: Request): void {
  if ((request.socket as Partial<TLSSocket>).encrypted !== true) {
    throw new AppError('FORBIDDEN', 'EST is served on the mutual-TLS port (https, ENROLL_MTLS_PORT).');
  }
}
