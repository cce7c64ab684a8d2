import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { DashboardService } from './dashboard.service';

/** The overview of the queue and of expiries, in the reader's scope; days and months in UTC. */
@ApiTags('dashboard')
@ApiBearerAuth()
@Roles('admin', 'manager')
@Controller('api/v1/dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  overview(@Req() request: AuthenticatedRequest) {
    return this.dashboard.overview((request.user as UserPrincipal).actor);
  }
}
