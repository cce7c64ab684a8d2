import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PackageAuth } from '../common/access.decorators';
import { RequestIdPipe } from '../common/id.pipe';
import type { AuthenticatedRequest, PackagePrincipal } from '../common/principal';
import { notFound } from '../common/app-error';
import { requestView } from './request-row';
import { RequestsRepository } from './requests.repository';
import { EnrollmentService, type PackageGrant, type SubmitCommand } from './enrollment.service';
import { PickupService } from './pickup.service';
import { SubmitRequestDto } from './dto/submit-request.dto';
import { CertificateQuery, ClientListQuery, SubmitQuery } from './dto/request-queries.dto';

const pkgOf = (request: AuthenticatedRequest): PackagePrincipal => request.user as PackagePrincipal;

/** What the enrollment use case needs of the package that authenticated the call. */
const grantOf = (pkg: PackagePrincipal): PackageGrant => ({
  packageId: pkg.packageId,
  organizationId: pkg.organizationId,
  organizationCode: pkg.organizationCode,
  country: pkg.country,
  store: pkg.store,
  kinds: pkg.kinds,
});

/** The enroll client's endpoints, authenticated by the enrollment package token. */
@ApiTags('enrollment (client)')
@ApiBearerAuth()
@PackageAuth()
@Controller('api/v1/enrollment/requests')
export class EnrollmentController {
  constructor(
    private readonly enrollment: EnrollmentService,
    private readonly pickup: PickupService,
    private readonly requests: RequestsRepository,
  ) {}

  /** `?dryRun=true`: the same checks and problems, 200 with what would be created, nothing stored. */
  @Post()
  submit(
    @Req() request: AuthenticatedRequest,
    @Body() body: SubmitRequestDto,
    @Query() query: SubmitQuery,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { kind, csr, requestedBy, phone, description, device } = body;
    const command: SubmitCommand = {
      grant: grantOf(pkgOf(request)),
      channel: 'client',
      kind,
      csr,
      requestedBy,
      phone,
      description,
      device,
    };
    if (query.dryRun === 'true') {
      response.status(200);
      return this.enrollment.preview(command);
    }
    return this.enrollment.submit(command);
  }

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query() query: ClientListQuery) {
    return this.requests.list({ packageLineage: pkgOf(request).packageId }, query);
  }

  @Get(':id')
  async one(@Req() request: AuthenticatedRequest, @Param('id', RequestIdPipe) id: number) {
    const row = await this.requests.find(this.requests.db, { packageLineage: pkgOf(request).packageId }, id);
    if (!row) {
      throw notFound(`Request ${id}`);
    }
    return requestView(row);
  }

  @Get(':id/certificate')
  async certificate(
    @Req() request: AuthenticatedRequest,
    @Param('id', RequestIdPipe) id: number,
    @Query() query: CertificateQuery,
    @Res() response: Response,
  ): Promise<void> {
    const rendered = await this.pickup.certificate(pkgOf(request), id, query.format, query.downloadedBy);
    response
      .type(rendered.contentType)
      .attachment(`request-${rendered.requestId}.${rendered.extension}`)
      .send(rendered.body);
  }

  @Post(':id/installed')
  @HttpCode(200)
  async installed(@Req() request: AuthenticatedRequest, @Param('id', RequestIdPipe) id: number) {
    return requestView(await this.pickup.installed(pkgOf(request), id, undefined));
  }
}
