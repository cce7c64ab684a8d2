import { Module } from '@nestjs/common';
import { AuthorityModule } from '../authority';
import { NotificationWorker } from './notification-worker';
import { RecentEventsRepository } from './recent-events.repository';
import { SecretBox } from './secret-box';
import { NotificationsController, WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Notifications (issue 17): the outbox's worker, the webhooks, the mail settings. */
@Module({
  imports: [AuthorityModule],
  providers: [NotificationWorker, WebhooksService, RecentEventsRepository, SecretBox],
  controllers: [WebhooksController, NotificationsController],
  exports: [NotificationWorker],
})
export class NotificationsModule {}
