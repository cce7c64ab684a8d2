import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeviceAuth } from '../common/access.decorators';
import type { AuthenticatedRequest, DevicePrincipal } from '../common/principal';
import { DeviceService } from './device.service';
import { DeviceRevokeDto } from './dto/device-revoke.dto';

const deviceOf = (request: AuthenticatedRequest): DevicePrincipal => request.user as DevicePrincipal;

/** Certificate-authenticated endpoints: reachable with a client certificate on the mTLS port. */
@ApiTags('enrollment (mTLS)')
@DeviceAuth()
@Controller('api/v1/enrollment')
export class DeviceController {
  constructor(private readonly devices: DeviceService) {}

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
}
