import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CertificateStore, Channel, RenewalMode, RequestKind, RequestStatus } from '@enroll/domain';
import type { DeviceDetails } from '@enroll/contract';
import type { PublicKeyInfo, RequestedExtensions } from '@enroll/pki';
import { decodeCursor, DEFAULT_LIMIT, toPage, type Page } from '../common/paging';
import { Batcher } from '../common/batcher';
import { one, organizationIs, pool, rows, SqlFilter, type Queryable } from '../common/sql';
import { REQUEST_COLUMNS, requestView, type RequestRow, type RequestView } from './request-row';
import type { CsrFacts } from './request-transitions';

/** A request with what a decision on it needs: the key and subject fields kept at submission, or the CSR of an older one. */
export type DecisionRow = RequestRow & { csr_der: Buffer; spki_der: Buffer | null; csr_facts: CsrFacts | null; public_key: PublicKeyInfo };

const DECISION_COLUMNS = `${REQUEST_COLUMNS}, r.csr_der, r.spki_der, r.csr_facts, r.public_key`;

export const QUEUE_SORTS = ['newest', 'oldest'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueFilter {
  readonly status?: RequestStatus;
  readonly kind?: RequestKind;
  readonly organizationCode?: string;
  readonly q?: string;
  /** `newest` (the default) or `oldest` first: both walk the id index, so paging stays keyset. */
  readonly sort?: QueueSort;
  readonly limit?: number;
  readonly cursor?: string;
}

/** Who may see what: an organization (managers), a package (clients), or everything (administrators). */
export type Scope = { readonly organizationCode?: string; readonly packageId?: string };

const requestOrganizationIs = organizationIs('r.organization_id');
const countsOrganizationIs = organizationIs('c.organization_id');

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

/** A request with its certificate's package, for a renewal. */
export type RenewableRow = RequestRow & {
  device: DeviceDetails;
  phone: string | null;
  description: string | null;
  spki_sha256: Buffer;
  package_disabled_at: Date | null;
  package_kinds: RequestKind[];
  package_store: CertificateStore;
  package_renewal: RenewalMode;
  package_renewal_same_key: boolean;
};

export interface LineageRow {
  id: string;
  status: RequestStatus;
  channel: Channel;
  submitted_at: Date;
  certificate_serial: string | null;
  renewal_of: string | null;
}

export interface RequestExtras {
  csr_der: Buffer;
  csr_facts: CsrFacts | null;
  public_key: PublicKeyInfo;
  requested_extensions: RequestedExtensions;
  device: Record<string, unknown>;
  phone: string | null;
  description: string | null;
}

@Injectable()
export class RequestsRepository {
  constructor(readonly db: DataSource) {}

  /** The queue, newest (or oldest) first, with keyset paging on the id. */
  async list(scope: Scope, filter: QueueFilter & { requestedBy?: string }): Promise<Page<RequestView>> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const where = scoped(scope, new SqlFilter(limit + 1));
    const oldestFirst = filter.sort === 'oldest';
    const after = decodeCursor(filter.cursor, 1);
    if (after) {
      where.add((p) => (oldestFirst ? `r.id > ${p}` : `r.id < ${p}`), after[0]);
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
        ${where.where} ORDER BY r.id ${oldestFirst ? 'ASC' : 'DESC'} LIMIT $1`,
      where.params,
    );
    return toPage(found, limit, requestView, (r) => [r.id]);
  }

  /**
   * A request with its CSR, for a decision within the scope. Concurrent reads in one scope share
   * a round trip (see Batcher: nothing is cached); the scope is still a condition of the query.
   */
  findForDecision(scope: Scope, id: number): Promise<DecisionRow | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) {
      return Promise.resolve(undefined);
    }
    const key = JSON.stringify([scope.organizationCode ?? null, scope.packageId ?? null]);
    let batcher = this.decisionReads.get(key);
    if (!batcher) {
      batcher = new Batcher<number, DecisionRow>(async (ids) => {
        const where = scoped(scope, new SqlFilter(ids)).addCondition('r.id = ANY($1::bigint[])');
        const found = await rows<DecisionRow>(
          pool(this.db),
          `SELECT ${DECISION_COLUMNS} FROM requests r JOIN organizations o ON o.id = r.organization_id ${where.where}`,
          where.params,
        );
        return new Map(found.map((r) => [Number(r.id), r]));
      });
      this.decisionReads.set(key, batcher);
    }
    return batcher.load([id]).then((found) => found.get(id));
  }

  private readonly decisionReads = new Map<string, Batcher<number, DecisionRow>>();

  /**
   * Counts per status, within a person's scope, from the counters the requests triggers keep
   * (migration 1764000000009): a few rows, however many requests there are.
   */
  async counts(scope: Pick<Scope, 'organizationCode'>): Promise<Record<string, number>> {
    const where = new SqlFilter();
    if (scope.organizationCode !== undefined) {
      where.add(countsOrganizationIs, scope.organizationCode);
    }
    const found = await rows<{ status: string; count: number }>(
      pool(this.db),
      `SELECT c.status, sum(c.count)::int AS count FROM request_counts c ${where.where} GROUP BY c.status HAVING sum(c.count) <> 0`,
      where.params,
    );
    return Object.fromEntries(found.map((r) => [r.status, r.count]));
  }

  /** One request within the scope. */
  async find(db: Queryable, scope: Scope, id: number): Promise<RequestRow | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) {
      return undefined;
    }
    const where = scoped(scope, new SqlFilter(id)).addCondition('r.id = $1');
    return one<RequestRow>(
      db,
      `SELECT ${REQUEST_COLUMNS} FROM requests r JOIN organizations o ON o.id = r.organization_id ${where.where}`,
      where.params,
    );
  }

  /**
   * The request that carries a certificate, with its package's renewal settings: what a renewal
   * is decided on. Read through requests.certificate_serial (the authority owns the certificate).
   */
  renewable(serial: string): Promise<RenewableRow | undefined> {
    return one<RenewableRow>(
      this.db,
      `SELECT ${REQUEST_COLUMNS}, r.device, r.phone, r.description, r.spki_sha256,
              p.disabled_at AS package_disabled_at, p.kinds AS package_kinds, p.store AS package_store, p.renewal AS package_renewal,
              p.renewal_same_key AS package_renewal_same_key
         FROM requests r JOIN organizations o ON o.id = r.organization_id JOIN enrollment_packages p ON p.id = r.package_id
        WHERE r.certificate_serial = $1`,
      [serial],
    );
  }

  /** What the detail page shows beyond the row: the CSR as kept at submission, the device, phone and description. */
  async details(id: string): Promise<RequestExtras | undefined> {
    return one(this.db, `SELECT csr_der, csr_facts, public_key, requested_extensions, device, phone, description FROM requests WHERE id = $1`, [id]);
  }

  /**
   * A device's lineage: up from a request to the first one, then down through each renewal.
   * Every request of it shares the package, so the scope of the request read first holds.
   */
  lineage(id: string): Promise<LineageRow[]> {
    return rows<LineageRow>(
      this.db,
      `WITH RECURSIVE up AS (
         SELECT id, renewal_of, 0 AS steps FROM requests WHERE id = $1
         UNION ALL
         SELECT r.id, r.renewal_of, up.steps + 1 FROM requests r JOIN up ON r.id = up.renewal_of WHERE up.steps < 1000
       ), down AS (
         SELECT r.id, r.status, r.channel, r.submitted_at, r.certificate_serial, r.renewal_of, 0 AS depth
           FROM requests r WHERE r.id = (SELECT id FROM up ORDER BY steps DESC LIMIT 1)
         UNION ALL
         SELECT r.id, r.status, r.channel, r.submitted_at, r.certificate_serial, r.renewal_of, down.depth + 1
           FROM requests r JOIN down ON r.renewal_of = down.id WHERE down.depth < 1000
       )
       SELECT id, status, channel, submitted_at, certificate_serial, renewal_of FROM down ORDER BY depth, id`,
      [id],
    );
  }

  async history(id: string): Promise<{ status: RequestStatus; at: Date; actor: string; actorType: string; reason: string | null }[]> {
    return rows(this.db, `SELECT status, at, actor, actor_type AS "actorType", reason FROM request_history WHERE request_id = $1 ORDER BY id`, [id]);
  }
}
