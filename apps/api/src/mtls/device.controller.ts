import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeviceAuth } from '../common/access.decorators';
import type { AuthenticatedRequest, DevicePrincipal } from '../common/principal';
import { DeviceService } from './device.service';
import { DeviceRevokeDto } from './dto/device-revoke.dto';
import { DeviceRenewDto } from './dto/device-renew.dto';
import { RenewalService, type RenewalOutcome } from '../requests/renewal.service';

const deviceOf = (request: AuthenticatedRequest): DevicePrincipal => request.user as DevicePrincipal;

/** Certificate-authenticated endpoints: reachable with a client certificate on the mTLS port. */
@ApiTags('enrollment (mTLS)')
@DeviceAuth()
@Controller('api/v1/enrollment')
export class DeviceController {
  constructor(
    private readonly devices: DeviceService,
    private readonly renewals: RenewalService,
  ) {}

  @Get('test')
  @ApiOperation({ summary: 'The test connection service: succeeds for a current, unrevoked certificate of this CA' })
  test(@Req() request: AuthenticatedRequest) {
    return this.devices.test(deviceOf(request));
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revokes the certificate presented in the handshake' })
  revoke(@Req() request: AuthenticatedRequest, @Body() body: DeviceRevokeDto) {
    return this.devices.revoke(deviceOf(request), body.reason);
  }

  /** Renewal with the presented certificate: 201 with the new certificate, or 202 while it waits for approval. */
  @Post('renew')
  @ApiOperation({ summary: 'Renew the presented certificate with a new CSR (same subject, new key by default)' })
  async renew(
    @Req() request: AuthenticatedRequest,
    @Body() body: DeviceRenewDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RenewalOutcome> {
    // The renewal rules refuse a certificate that no device request carries, and audit it.
    const outcome = await this.renewals.renew({
      serialNumber: deviceOf(request).serialNumber,
      csr: body.csr,
      channel: 'renewal',
    });
    response.status(outcome.status === 'Approved' ? 201 : 202);
    return outcome;
  }
}
