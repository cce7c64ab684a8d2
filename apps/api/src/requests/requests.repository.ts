import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RequestKind, RequestStatus } from '@enroll/domain';
import { decodeCursor, DEFAULT_LIMIT, toPage, type Page } from '../common/paging';
import { one, rows } from '../common/sql';
import { REQUEST_COLUMNS, requestView, type RequestRow, type RequestView } from './request-row';

export interface QueueFilter {
  readonly status?: RequestStatus;
  readonly kind?: RequestKind;
  readonly organizationCode?: string;
  readonly q?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** Who may see what: an organization (managers), a package (clients), or everything (administrators). */
export type Scope = { readonly organizationCode?: string; readonly packageId?: string };

/**
 * The organization condition, written so that the planner knows the id when it runs the query
 * (an InitPlan) and can walk the (organization_id, ..., id DESC) indexes in order.
 */
export const organizationIs = (param: string): string => `r.organization_id = (SELECT id FROM organizations WHERE code = ${param})`;

/** Adds scope conditions to a query. Scoping lives in SQL: a foreign row is never even loaded. */
function scoped(scope: Scope, params: unknown[], where: string[]): void {
  if (scope.organizationCode !== undefined) {
    params.push(scope.organizationCode);
    where.push(organizationIs(`$${params.length}`));
  }
  if (scope.packageId !== undefined) {
    params.push(scope.packageId);
    where.push(`r.package_id = $${params.length}`);
  }
}

@Injectable()
export class RequestsRepository {
  constructor(readonly db: DataSource) {}

  /** The queue, newest first, with keyset paging on the id. */
  async list(scope: Scope, filter: QueueFilter & { requestedBy?: string }): Promise<Page<RequestView>> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    scoped(scope, params, where);
    const after = decodeCursor(filter.cursor, 1);
    const add = (sql: (p: string) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (after) {
      add((p) => `r.id < ${p}`, after[0]);
    }
    if (filter.status) {
      add((p) => `r.status = ${p}`, filter.status);
    }
    if (filter.kind) {
      add((p) => `r.kind = ${p}`, filter.kind);
    }
    if (filter.organizationCode) {
      add(organizationIs, filter.organizationCode);
    }
    if (filter.requestedBy) {
      add((p) => `r.requested_by = ${p}`, filter.requestedBy);
    }
    if (filter.q) {
      const prefix = `${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(prefix);
      const p = `$${params.length}`;
      let byId = '';
      if (/^\d{1,15}$/.test(filter.q)) {
        params.push(Number(filter.q));
        byId = ` OR r.id = $${params.length}`;
      }
      where.push(`(lower(r.common_name) LIKE ${p} OR lower(r.requested_by) LIKE ${p}${byId})`);
    }
    const found = await rows<RequestRow>(
      this.db,
      `SELECT ${REQUEST_COLUMNS} FROM requests r JOIN organizations o ON o.id = r.organization_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT $1`,
      params,
    );
    return toPage(found, limit, requestView, (r) => [r.id]);
  }

  /** Counts per status, within the scope. */
  async counts(scope: Scope): Promise<Record<string, number>> {
    const params: unknown[] = [];
    const where: string[] = [];
    scoped(scope, params, where);
    const found = await rows<{ status: string; count: number }>(
      this.db,
      `SELECT r.status, count(*)::int AS count FROM requests r JOIN organizations o ON o.id = r.organization_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY r.status`,
      params,
    );
    return Object.fromEntries(found.map((r) => [r.status, r.count]));
  }

  /** One request within the scope; with `lock`, the row is locked for the caller's transaction. */
  async find(db: DataSource | EntityManager, scope: Scope, id: number, lock = false): Promise<RequestRow | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) {
      return undefined;
    }
    const params: unknown[] = [id];
    const where = ['r.id = $1'];
    scoped(scope, params, where);
    return one<RequestRow>(
      db,
      `SELECT ${REQUEST_COLUMNS} FROM requests r JOIN organizations o ON o.id = r.organization_id WHERE ${where.join(' AND ')}${lock ? ' FOR UPDATE OF r' : ''}`,
      params,
    );
  }

  async details(id: string): Promise<{ csr_der: Buffer; device: Record<string, unknown>; phone: string | null; description: string | null } | undefined> {
    return one(this.db, `SELECT csr_der, device, phone, description FROM requests WHERE id = $1`, [id]);
  }

  async history(id: string): Promise<{ status: RequestStatus; at: Date; actor: string; actorType: string; reason: string | null }[]> {
    return rows(this.db, `SELECT status, at, actor, actor_type AS "actorType", reason FROM request_history WHERE request_id = $1 ORDER BY id`, [id]);
  }
}
