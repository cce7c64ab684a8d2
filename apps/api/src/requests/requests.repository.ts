import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RequestKind, RequestStatus } from '@enroll/domain';
import { decodeCursor, DEFAULT_LIMIT, toPage, type Page } from '../common/paging';
import { one, organizationIs, rows, SqlFilter } from '../common/sql';
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

const requestOrganizationIs = organizationIs('r.organization_id');

/** Adds scope conditions to a query. Scoping lives in SQL: a foreign row is never even loaded. */
function scoped(scope: Scope, filter: SqlFilter): SqlFilter {
  if (scope.organizationCode !== undefined) {
    filter.add(requestOrganizationIs, scope.organizationCode);
  }
  if (scope.packageId !== undefined) {
    filter.add((p) => `r.package_id = ${p}`, scope.packageId);
  }
  return filter;
}

@Injectable()
export class RequestsRepository {
  constructor(readonly db: DataSource) {}

  /** The queue, newest first, with keyset paging on the id. */
  async list(scope: Scope, filter: QueueFilter & { requestedBy?: string }): Promise<Page<RequestView>> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const where = scoped(scope, new SqlFilter(limit + 1));
    const after = decodeCursor(filter.cursor, 1);
    if (after) {
      where.add((p) => `r.id < ${p}`, after[0]);
    }
    if (filter.status) {
      where.add((p) => `r.status = ${p}`, filter.status);
    }
    if (filter.kind) {
      where.add((p) => `r.kind = ${p}`, filter.kind);
    }
    if (filter.organizationCode) {
      where.add(requestOrganizationIs, filter.organizationCode);
    }
    if (filter.requestedBy) {
      where.add((p) => `r.requested_by = ${p}`, filter.requestedBy);
    }
    if (filter.q) {
      const prefix = where.bind(`${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const byId = /^\d{1,15}$/.test(filter.q) ? ` OR r.id = ${where.bind(Number(filter.q))}` : '';
      where.addCondition(`(lower(r.common_name) LIKE ${prefix} OR lower(r.requested_by) LIKE ${prefix}${byId})`);
    }
    const found = await rows<RequestRow>(
      this.db,
      `SELECT ${REQUEST_COLUMNS} FROM requests r JOIN organizations o ON o.id = r.organization_id
        ${where.where} ORDER BY r.id DESC LIMIT $1`,
      where.params,
    );
    return toPage(found, limit, requestView, (r) => [r.id]);
  }

  /** Counts per status, within the scope. */
  async counts(scope: Scope): Promise<Record<string, number>> {
    const where = scoped(scope, new SqlFilter());
    const found = await rows<{ status: string; count: number }>(this.db, `SELECT r.status, count(*)::int AS count FROM requests r ${where.where} GROUP BY r.status`, where.params);
    return Object.fromEntries(found.map((r) => [r.status, r.count]));
  }

  /** One request within the scope; with `lock`, the row is locked for the caller's transaction. */
  async find(db: DataSource | EntityManager, scope: Scope, id: number, lock = false): Promise<RequestRow | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) {
      return undefined;
    }
    const where = scoped(scope, new SqlFilter(id)).addCondition('r.id = $1');
    return one<RequestRow>(
      db,
      `SELECT ${REQUEST_COLUMNS} FROM requests r JOIN organizations o ON o.id = r.organization_id ${where.where}${lock ? ' FOR UPDATE OF r' : ''}`,
      where.params,
    );
  }

  async details(id: string): Promise<{ csr_der: Buffer; device: Record<string, unknown>; phone: string | null; description: string | null } | undefined> {
    return one(this.db, `SELECT csr_der, device, phone, description FROM requests WHERE id = $1`, [id]);
  }

  async history(id: string): Promise<{ status: RequestStatus; at: Date; actor: string; actorType: string; reason: string | null }[]> {
    return rows(this.db, `SELECT status, at, actor, actor_type AS "actorType", reason FROM request_history WHERE request_id = $1 ORDER BY id`, [id]);
  }
}
