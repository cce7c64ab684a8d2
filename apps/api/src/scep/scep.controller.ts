import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { REQUEST_KINDS, type RequestKind } from '@enroll/domain';
import { SCEP_CAPABILITIES } from '@enroll/pki';
import { Public } from '../common/access.decorators';
import { AppError, notFound } from '../common/app-error';
import { ScepService } from './scep.service';

/** Base64 as it arrives in a GET query: a `+` may have become a space on the way. */
const fromQuery = (message: unknown): Buffer | undefined =>
  typeof message === 'string' && /^[A-Za-z0-9+/= \r\n_-]+$/.test(message)
    ? Buffer.from(message.replace(/ /g, '+'), 'base64')
    : undefined;

function badRequest(text: string): never {
  throw new AppError('VALIDATION_FAILED', text);
}

/**
 * SCEP (RFC 8894) on the HTTP port: `/scep` enrolls mobile devices, `/scep/{kind}` any kind the
 * package allows. Public: the challenge password in the CSR (PKCSReq) or the current certificate
 * (RenewalReq) is the credential. Every answer is a protocol answer: a CertRep (FAILURE for a
 * bad message), or 400 text when the message cannot be read at all.
 */
@ApiTags('scep')
@Public()
@Controller('scep')
export class ScepController {
  constructor(private readonly scep: ScepService) {}

  @Get()
  @ApiOperation({ summary: 'SCEP over GET: GetCACaps, GetCACert, PKIOperation (message=base64), for mobile devices' })
  getMobile(
    @Query('operation') operation: unknown,
    @Query('message') message: unknown,
    @Res() response: Response,
  ): Promise<void> {
    return this.operate('mobile', operation, fromQuery(message), response);
  }

  @Post()
  @ApiOperation({ summary: 'SCEP PKIOperation over POST (application/x-pki-message), for mobile devices' })
  postMobile(
    @Query('operation') operation: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.operate('mobile', operation, Buffer.isBuffer(request.body) ? request.body : undefined, response);
  }

  @Get(':kind')
  @ApiOperation({ summary: 'SCEP over GET for one kind of certificate' })
  get(
    @Param('kind') kind: string,
    @Query('operation') operation: unknown,
    @Query('message') message: unknown,
    @Res() response: Response,
  ): Promise<void> {
    return this.operate(kindOf(kind), operation, fromQuery(message), response);
  }

  @Post(':kind')
  @ApiOperation({ summary: 'SCEP PKIOperation over POST for one kind of certificate' })
  post(
    @Param('kind') kind: string,
    @Query('operation') operation: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.operate(kindOf(kind), operation, Buffer.isBuffer(request.body) ? request.body : undefined, response);
  }

  private async operate(
    kind: RequestKind,
    operation: unknown,
    message: Buffer | undefined,
    response: Response,
  ): Promise<void> {
    switch (operation) {
      case 'GetCACaps':
        response
          .status(200)
          .type('text/plain')
          .send(`${SCEP_CAPABILITIES.join('\n')}\n`);
        return;
      case 'GetCACert':
        response
          .status(200)
          .type('application/x-x509-ca-ra-cert')
          .send(await this.scep.caCertificates());
        return;
      case 'PKIOperation': {
        if (!message || message.length === 0) {
          badRequest('PKIOperation needs a pkiMessage: POST it, or GET with message=<base64>.');
        }
        const answer = await this.scep.pkiOperation(kind, message);
        if (!answer) {
          badRequest('The pkiMessage cannot be read (not a SCEP SignedData).');
        }
        response.status(200).type('application/x-pki-message').send(answer);
        return;
      }
      default:
        badRequest('operation must be GetCACaps, GetCACert or PKIOperation.');
    }
  }
}

function kindOf(label: string): RequestKind {
  if (!(REQUEST_KINDS as readonly string[]).includes(label)) {
    throw notFound(`The SCEP path /scep/${label.slice(0, 32)}`);
  }
  return label as RequestKind;
}
