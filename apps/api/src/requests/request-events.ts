import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestStatus } from '@enroll/domain';
import { AuditService, type ActorType } from '../audit/audit.service';

export interface TransitionRecord {
  readonly requestId: string | number;
  readonly organizationId: string;
  readonly status: RequestStatus;
  readonly at: Date;
  readonly actor: string;
  readonly actorType: ActorType;
  readonly action: string;
  readonly reason?: string | null;
  readonly details?: Record<string, unknown>;
}

/** Every transition leaves a history row and an audit event, in the transaction that made it. */
@Injectable()
export class RequestEvents {
  constructor(private readonly audit: AuditService) {}

  async record(manager: EntityManager, event: TransitionRecord): Promise<void> {
    await manager.query(`INSERT INTO request_history (request_id, status, at, actor, actor_type, reason) VALUES ($1, $2, $3, $4, $5, $6)`, [
      event.requestId, event.status, event.at, event.actor, event.actorType, event.reason ?? null,
    ]);
    await this.audit.record(manager, {
      at: event.at,
      actor: event.actor,
      actorType: event.actorType,
      action: event.action,
      organizationId: event.organizationId,
      requestId: event.requestId,
      details: { status: event.status, ...(event.reason ? { reason: event.reason } : {}), ...(event.details ?? {}) },
    });
  }
}
