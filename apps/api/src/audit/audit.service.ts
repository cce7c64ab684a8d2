import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, DEFAULT_LIMIT, toPage, type Page } from '../common/paging';
import { SqlFilter, type Queryable } from '../common/sql';
import type { AuditEventView } from '@enroll/contract';

export type ActorType = 'user' | 'package' | 'device' | 'system';

export interface AuditRecord {
  readonly at: Date;
  readonly actor: string;
  readonly actorType: ActorType;
  readonly action: string;
  readonly organizationId?: string | null;
  readonly requestId?: string | number | null;
  readonly target?: string | null;
  readonly details?: Record<string, unknown>;
}

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  actor_type: string;
  action: string;
  request_id: string | null;
  target: string | null;
  organization_code: string | null;
  details: Record<string, unknown>;
}

/** The audit log: written inside the transaction of what it records, so neither exists without the other. */
@Injectable()
export class AuditService {
  constructor(private readonly db: DataSource) {}

  async record(manager: Queryable, event: AuditRecord): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (at, actor, actor_type, action, organization_id, request_id, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [event.at, event.actor, event.actorType, event.action, event.organizationId ?? null, event.requestId ?? null, event.target ?? null, event.details ?? {}],
    );
  }

  async list(filter: { limit?: number; cursor?: string; requestId?: number; actor?: string }): Promise<Page<AuditEventView>> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const after = decodeCursor(filter.cursor, 1);
    const where = new SqlFilter(limit + 1);
    if (after) {
      where.add((p) => `e.id < ${p}`, after[0]);
    }
    if (filter.requestId !== undefined) {
      where.add((p) => `e.request_id = ${p}`, filter.requestId);
    }
    if (filter.actor !== undefined) {
      where.add((p) => `e.actor = ${p}`, filter.actor);
    }
    const rows: AuditRow[] = await this.db.query(
      `SELECT e.id, e.at, e.actor, e.actor_type, e.action, e.request_id, e.target, o.code AS organization_code, e.details
         FROM audit_events e LEFT JOIN organizations o ON o.id = e.organization_id
        ${where.where} ORDER BY e.id DESC LIMIT $1`,
      where.params,
    );
    return toPage(
      rows,
      limit,
      (r) => ({
        id: Number(r.id), at: r.at, actor: r.actor, actorType: r.actor_type, action: r.action,
        requestId: r.request_id === null ? null : Number(r.request_id), target: r.target, organizationCode: r.organization_code, details: r.details,
      }),
      (r) => [r.id],
    );
  }
}
