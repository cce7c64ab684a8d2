import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access.decorators';
import { RequestIdPipe } from '../common/id.pipe';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { DecisionsService, personActor, personScope } from './decisions.service';
import { QueueService } from './queue.service';
import { ApproveDto, RejectDto, RevokeDto } from './dto/decisions.dto';
import { QueueCountsQuery, QueueQuery } from './dto/request-queries.dto';

const actorOf = (request: AuthenticatedRequest) => (request.user as UserPrincipal).actor;

/** The review queue and decisions of managers (their organization) and administrators (all). */
@ApiTags('requests (managers)')
@ApiBearerAuth()
@Roles('admin', 'manager')
@Controller('api/v1/requests')
export class RequestsController {
  constructor(
    private readonly queue: QueueService,
    private readonly decisions: DecisionsService,
  ) {}

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query() query: QueueQuery) {
    return this.queue.list(actorOf(request), query);
  }

  @Get('counts')
  counts(@Req() request: AuthenticatedRequest, @Query() query: QueueCountsQuery) {
    return this.queue.counts(actorOf(request), query);
  }

  @Get(':id')
  detail(@Req() request: AuthenticatedRequest, @Param('id', RequestIdPipe) id: number) {
    return this.queue.detail(actorOf(request), id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  approve(@Req() request: AuthenticatedRequest, @Param('id', RequestIdPipe) id: number, @Body() body: ApproveDto) {
    return this.decisions.approve(actorOf(request), id, body.comment);
  }

  @Post(':id/reject')
  @HttpCode(200)
  async reject(@Req() request: AuthenticatedRequest, @Param('id', RequestIdPipe) id: number, @Body() body: RejectDto) {
    return this.queue.detailOf(actorOf(request), await this.decisions.reject(actorOf(request), id, body.reason));
  }

  @Post(':id/revoke')
  @HttpCode(200)
  async revoke(@Req() request: AuthenticatedRequest, @Param('id', RequestIdPipe) id: number, @Body() body: RevokeDto) {
    const actor = actorOf(request);
    return this.queue.detailOf(
      actor,
      await this.decisions.revoke(personActor(actor), personScope(actor), id, body.reason),
    );
  }
}
