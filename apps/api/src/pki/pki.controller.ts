import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/access.decorators';
import { CaService, CrlService } from '../authority';
import { AppError } from '../common/app-error';

@ApiTags('pki')
@Public()
@Controller('pki')
export class PkiController {
  constructor(
    private readonly ca: CaService,
    private readonly crl: CrlService,
  ) {}

  @Get('ca.pem')
  @Header('Content-Type', 'application/pem-certificate-chain')
  @ApiOperation({ summary: 'The issuing CA then the root, PEM' })
  chain(): string {
    return this.ca.ca.chainPem;
  }

  @Get('issuing-ca.crt')
  @ApiOperation({ summary: 'The issuing CA certificate, DER (the caIssuers URL of issued certificates)' })
  issuing(@Res() response: Response): void {
    response.type('application/pkix-cert').send(this.ca.ca.issuing.der);
  }

  @Get('root-ca.crt')
  @ApiOperation({ summary: 'The root CA certificate, DER' })
  root(@Res() response: Response): void {
    response.type('application/pkix-cert').send(this.ca.ca.root.der);
  }

  @Get('crl')
  @ApiOperation({ summary: 'The current CRL, DER' })
  async current(@Req() request: Request, @Res() response: Response): Promise<void> {
    const crl = await this.crl.current();
    const etag = `"crl-${crl.crl_number}"`;
    response
      .set('Last-Modified', crl.this_update.toUTCString())
      .set('Cache-Control', 'public, max-age=60')
      .set('ETag', etag);
    if (request.headers['if-none-match'] === etag) {
      response.status(304).end();
      return;
    }
    response.type('application/pkix-crl').send(crl.der);
  }

  /** The root's CRL of the CAs it issued: the CRL distribution point of the issuing CA's certificate. */
  @Get('root.crl')
  @ApiOperation({ summary: "The root CA's CRL (of the CA certificates it issued), DER, signed in a ceremony" })
  async rootCrl(@Res() response: Response): Promise<void> {
    const crl = await this.ca.rootCrl();
    if (!crl) {
      throw new AppError('NOT_FOUND', 'The root has published no CRL yet: run `npm run ca -- sign-root-crl`.');
    }
    response.set('Cache-Control', 'public, max-age=3600').type('application/pkix-crl').send(crl.der);
  }
}
