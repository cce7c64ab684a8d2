import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { CertificatesService } from './certificates.service';
import { CertificateListQuery, DownloadQuery } from './dto/certificate-queries.dto';
import { CertificateRevocationsService } from '../users/certificate-revocations.service';
import { RevokeCertificateDto } from '../users/dto/revoke-certificate.dto';

const actorOf = (request: AuthenticatedRequest) => (request.user as UserPrincipal).actor;

@ApiTags('certificates')
@ApiBearerAuth()
@Roles('admin', 'manager')
@Controller('api/v1/certificates')
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly revocations: CertificateRevocationsService,
  ) {}

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query() query: CertificateListQuery) {
    return this.certificates.list(actorOf(request), query);
  }

  /** Declared before `:serial`, which would otherwise take the word for a serial number. */
  @Get('expiring')
  expiring(@Req() request: AuthenticatedRequest) {
    return this.certificates.expiring(actorOf(request));
  }

  @Get(':serial')
  get(@Req() request: AuthenticatedRequest, @Param('serial') serial: string) {
    return this.certificates.get(actorOf(request), serial);
  }

  /** Any certificate for an administrator (user certificates included); a manager, its organization's device certificates. */
  @Post(':serial/revoke')
  @HttpCode(200)
  revoke(@Req() request: AuthenticatedRequest, @Param('serial') serial: string, @Body() body: RevokeCertificateDto) {
    return this.revocations.revoke(actorOf(request), serial, body.reason);
  }

  @Get(':serial/download')
  async download(
    @Req() request: AuthenticatedRequest,
    @Param('serial') serial: string,
    @Query() query: DownloadQuery,
    @Res() response: Response,
  ): Promise<void> {
    const rendered = await this.certificates.download(actorOf(request), serial, query.format);
    response.type(rendered.contentType).attachment(`${serial.toUpperCase()}.${rendered.extension}`).send(rendered.body);
  }
}
