import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestStatus } from '@enroll/domain';
import type { ActorType } from '../audit/audit.service';

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
  /** One round trip for both rows: transitions are on the hot path of every enrollment. */
  async record(manager: EntityManager, event: TransitionRecord): Promise<void> {
    const details = { status: event.status, ...(event.reason ? { reason: event.reason } : {}), ...(event.details ?? {}) };
    await manager.query(
      `WITH history AS (
         INSERT INTO request_history (request_id, status, at, actor, actor_type, reason) VALUES ($1, $2, $3, $4, $5, $6))
       INSERT INTO audit_events (at, actor, actor_type, action, organization_id, request_id, details) VALUES ($3, $4, $5, $7, $8, $1, $9)`,
      [event.requestId, event.status, event.at, event.actor, event.actorType, event.reason ?? null, event.action, event.organizationId, details],
    );
  }
}
