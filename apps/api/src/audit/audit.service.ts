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

/** What the log can be filtered by (ListAuditQuery). */
export interface AuditFilter {
  readonly requestId?: number;
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly from?: string;
  readonly to?: string;
}

/** The most events one CSV export carries: narrow the dates for more. */
export const AUDIT_EXPORT_LIMIT = 100_000;

function filtered(where: SqlFilter, filter: AuditFilter): SqlFilter {
  if (filter.requestId !== undefined) {
    where.add((p) => `e.request_id = ${p}`, filter.requestId);
  }
  if (filter.actor !== undefined) {
    where.add((p) => `e.actor = ${p}`, filter.actor);
  }
  if (filter.action !== undefined) {
    where.add((p) => `e.action = ${p}`, filter.action);
  }
  if (filter.target !== undefined) {
    where.add((p) => `e.target LIKE ${p}`, `${filter.target.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.from !== undefined) {
    where.add((p) => `e.at >= ${p}`, new Date(filter.from));
  }
  if (filter.to !== undefined) {
    where.add((p) => `e.at < ${p}`, new Date(filter.to));
  }
  return where;
}

const eventView = (r: AuditRow): AuditEventView => ({
  id: Number(r.id),
  at: r.at,
  actor: r.actor,
  actorType: r.actor_type,
  action: r.action,
  requestId: r.request_id === null ? null : Number(r.request_id),
  target: r.target,
  organizationCode: r.organization_code,
  details: r.details,
});

const ipOf = (details: Record<string, unknown>): string | null => (typeof details.ip === 'string' ? details.ip : null);

/**
 * One CSV field (RFC 4180): quoted when it holds a separator, a quote or a line break. A field
 * that a spreadsheet would run as a formula (=, +, -, @) gets a leading quote (OWASP CSV injection).
 */
function csvField(value: string | number | null): string {
  if (value === null) {
    return '';
  }
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The audit log: written inside the transaction of what it records, so neither exists without the other. */
@Injectable()
export class AuditService {
  constructor(private readonly db: DataSource) {}

  async record(manager: Queryable, event: AuditRecord): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (at, actor, actor_type, action, organization_id, request_id, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        event.at,
        event.actor,
        event.actorType,
        event.action,
        event.organizationId ?? null,
        event.requestId ?? null,
        event.target ?? null,
        event.details ?? {},
      ],
    );
  }

  async list(filter: AuditFilter & { limit?: number; cursor?: string }): Promise<Page<AuditEventView>> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const after = decodeCursor(filter.cursor, 1);
    const where = new SqlFilter(limit + 1);
    if (after) {
      where.add((p) => `e.id < ${p}`, after[0]);
    }
    return toPage(await this.read(filtered(where, filter)), limit, eventView, (r) => [r.id]);
  }

  /** The filtered log as CSV: who, what, on what, when, from where, newest first. */
  async csv(filter: AuditFilter): Promise<string> {
    const events = (await this.read(filtered(new SqlFilter(AUDIT_EXPORT_LIMIT), filter))).map(eventView);
    const header = [
      'id',
      'at',
      'actor',
      'actor_type',
      'action',
      'target',
      'request_id',
      'organization',
      'ip',
      'details',
    ];
    const lines = events.map((e) =>
      [
        e.id,
        e.at.toISOString(),
        e.actor,
        e.actorType,
        e.action,
        e.target,
        e.requestId,
        e.organizationCode,
        ipOf(e.details),
        JSON.stringify(e.details),
      ]
        .map(csvField)
        .join(','),
    );
    // A byte-order mark so that spreadsheet programs read the UTF-8 (accented names) as such.
    return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
  }

  private read(where: SqlFilter): Promise<AuditRow[]> {
    return this.db.query(
      `SELECT e.id, e.at, e.actor, e.actor_type, e.action, e.request_id, e.target, o.code AS organization_code, e.details
         FROM audit_events e LEFT JOIN organizations o ON o.id = e.organization_id
        ${where.where} ORDER BY e.id DESC LIMIT $1`,
      where.params,
    );
  }
}
