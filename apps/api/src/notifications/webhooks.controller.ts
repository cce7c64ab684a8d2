import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { organizationScope } from '@enroll/domain';
import { Roles } from '../common/access.decorators';
import type { AuthenticatedRequest, UserPrincipal } from '../common/principal';
import { RecentEventsQuery } from './recent-events.dto';
import { RecentEventsRepository } from './recent-events.repository';
import { CreateWebhookDto } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  create(@Req() request: AuthenticatedRequest, @Body() body: CreateWebhookDto) {
    return this.webhooks.create((request.user as UserPrincipal).actor, body);
  }

  @Get()
  list() {
    return this.webhooks.list();
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Req() request: AuthenticatedRequest, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.webhooks.remove((request.user as UserPrincipal).actor, id);
  }

  /** The latest deliveries to this webhook and their attempts. */
  @Get(':id/deliveries')
  deliveries(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.webhooks.deliveries(id);
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly recentEvents: RecentEventsRepository,
  ) {}

  /** Whether mail is sent at all (ENROLL_SMTP_URL), for the portal's settings. */
  @Get('settings')
  @Roles('admin', 'manager')
  settings() {
    return this.webhooks.settings();
  }

  /** The latest (up to 20) events of the reader's scope, newest first: the portal's bell. */
  @Get('recent')
  @Roles('admin', 'manager')
  async recent(@Req() request: AuthenticatedRequest, @Query() query: RecentEventsQuery) {
    const actor = (request.user as UserPrincipal).actor;
    return { items: await this.recentEvents.recent(organizationScope(actor), query.after), nextCursor: null };
  }
}
