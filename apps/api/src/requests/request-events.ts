import { Injectable } from '@nestjs/common';
import type { RequestStatus } from '@enroll/domain';
import type { ActorType } from '../audit/audit.service';
import type { Queryable } from '../common/sql';

export interface TransitionRecord {
  /** Left out when enroll_submit_request fills it in (the id is made there). */
  readonly requestId?: string | number;
  readonly organizationId: string;
  readonly status: RequestStatus;
  readonly at: Date;
  readonly actor: string;
  readonly actorType: ActorType;
  readonly action: string;
  readonly reason?: string | null;
  readonly details?: Record<string, unknown>;
}

/** The JSON that enroll_record_events (migration 1764000000008) writes as a history row plus an audit event. */
export function eventJson(event: TransitionRecord): Record<string, unknown> {
  return {
    ...(event.requestId === undefined ? {} : { requestId: String(event.requestId) }),
    organizationId: event.organizationId,
    status: event.status,
    at: event.at.toISOString(),
    actor: event.actor,
    actorType: event.actorType,
    action: event.action,
    reason: event.reason ?? null,
    details: { status: event.status, ...(event.reason ? { reason: event.reason } : {}), ...(event.details ?? {}) },
  };
}

/** Every transition leaves a history row and an audit event, in the transaction that made it. */
@Injectable()
export class RequestEvents {
  /** One round trip for all rows: transitions are on the hot path of every enrollment. */
  async record(q: Queryable, ...events: TransitionRecord[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    await q.query(`SELECT enroll_record_events($1)`, [JSON.stringify(events.map(eventJson))]);
  }
}
