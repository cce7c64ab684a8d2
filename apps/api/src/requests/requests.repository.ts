import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  decidableKinds,
  REQUEST_KINDS,
  REQUEST_STATUSES,
  type CertificateStore,
  type Channel,
  type RenewalMode,
  type RequestKind,
  type RequestStatus,
} from '@enroll/domain';
import type { DeviceDetails, QueueView } from '@enroll/contract';
import type { PublicKeyInfo, RequestedExtensions } from '@enroll/pki';
import { decodeCursor, DEFAULT_LIMIT, toPage, type Page } from '../common/paging';
import { Batcher } from '../common/batcher';
import { one, organizationIs, pool, rows, SqlFilter, type Queryable } from '../common/sql';
import { REQUEST_COLUMNS, requestView, type RequestRow } from './request-row';
import type { CsrFacts } from './request-transitions';

/** A request with what a decision on it needs: the key and subject fields kept at submission, or the CSR of an older one. */
export type DecisionRow = RequestRow & {
  csr_der: Buffer;
  spki_der: Buffer | null;
  csr_facts: CsrFacts | null;
  public_key: PublicKeyInfo;
};

const DECISION_COLUMNS = `${REQUEST_COLUMNS}, r.csr_der, r.spki_der, r.csr_facts, r.public_key`;

export const QUEUE_SORTS = ['newest', 'oldest', 'commonName', '-commonName', 'requestedBy', '-requestedBy'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** Who decides a request's kind: its organization's manager, or only the centre (server, external). */
export const QUEUE_DECIDERS = ['organization', 'centre'] as const;
export type QueueDecider = (typeof QUEUE_DECIDERS)[number];

/** Trigrams need three characters: a shorter fragment searches the starts of the name and requester. */
const TRIGRAM = 3;

/** Filtered counts stop here: past it the portal says "10,000+" rather than count a million rows. */
export const COUNT_CAP = 10_000;

const SORT_KEYS: Record<Exclude<QueueSort, 'newest' | 'oldest'>, string> = {
  commonName: 'lower(r.common_name)',
  '-commonName': 'lower(r.common_name)',
  requestedBy: 'lower(r.requested_by)',
  '-requestedBy': 'lower(r.requested_by)',
};

/** A queue row: the request, and what people recognise it by (the description, the machine). */
export type QueueRow = RequestRow & {
  description: string | null;
  machine_name: string | null;
  fqdn: string | null;
  sort_key?: string;
};

export interface QueueFilter {
  readonly status?: RequestStatus;
  readonly kind?: RequestKind;
  readonly organizationCode?: string;
  readonly q?: string;
  /** Only the kinds this decider decides (see decidableKinds in @enroll/domain). */
  readonly decider?: QueueDecider;
  /**
   * `newest` (the default) or `oldest` first walk the id index; by common name or requester
   * (`-` for descending) the key is (value, id), so paging stays keyset either way.
   */
  readonly sort?: QueueSort;
  readonly limit?: number;
  readonly cursor?: string;
}

const queueView = (r: QueueRow): QueueView => ({
  ...requestView(r),
  description: r.description,
  machineName: r.machine_name,
  fqdn: r.fqdn,
});

/** Who may see what: an organization (managers), a package (clients), or everything (administrators). */
export type Scope = {
  readonly organizationCode?: string;
  readonly packageId?: string;
  /**
   * A client's reads and pickup: the requests of this package and of the disabled packages it
   * replaces (the same organization, environment and store). A certificate approved after its
   * package was disabled is picked up with the replacement's token; an enabled sibling package
   * (another group of devices) keeps its requests to itself.
   */
  readonly packageLineage?: string;
};

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
  if (scope.packageLineage !== undefined) {
    filter.add(
      (p) =>
        `(r.package_id = ${p} OR r.package_id IN (
           SELECT s.id FROM enrollment_packages s JOIN enrollment_packages g ON g.id = ${p}
            WHERE s.disabled_at IS NOT NULL AND s.organization_id = g.organization_id
              AND s.environment = g.environment AND s.store = g.store))`,
      scope.packageLineage,
    );
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

  /** The queue in the chosen order, with keyset paging on (sort key, id). */
  async list(scope: Scope, filter: QueueFilter & { requestedBy?: string }): Promise<Page<QueueView>> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const where = this.filtered(scope, filter, new SqlFilter(limit + 1));
    const sort = filter.sort ?? 'newest';
    const descending = sort === 'newest' || sort.startsWith('-');
    const key = sort === 'newest' || sort === 'oldest' ? undefined : SORT_KEYS[sort];
    const cmp = descending ? '<' : '>';
    const after = decodeCursor(filter.cursor, key ? 2 : 1);
    if (after && key) {
      const [value, id] = [where.bind(after[0]), where.bind(after[1])];
      where.addCondition(`(${key}, r.id) ${cmp} (${value}, ${id})`);
    } else if (after) {
      where.add((p) => `r.id ${cmp} ${p}`, after[0]);
    }
    const direction = descending ? 'DESC' : 'ASC';
    const found = await rows<QueueRow>(
      this.db,
      `SELECT ${REQUEST_COLUMNS}, r.description, r.device->>'machineName' AS machine_name, r.device->>'fqdn' AS fqdn${key ? `, ${key} AS sort_key` : ''}
         FROM requests r JOIN organizations o ON o.id = r.organization_id
        ${where.where} ORDER BY ${key ? `${key} ${direction}, ` : ''}r.id ${direction} LIMIT $1`,
      where.params,
    );
    return toPage(found, limit, queueView, (r) => (key ? [r.sort_key ?? '', r.id] : [r.id]));
  }

  /**
   * Requests per status under the queue's filters (all but the status). Without a filter beyond
   * the organization the triggers' counters answer; otherwise each status is counted up to
   * COUNT_CAP through the same indexes as the list.
   */
  async filteredCounts(scope: Scope, filter: QueueFilter): Promise<Record<string, number>> {
    if (!filter.kind && !filter.q && !filter.decider) {
      return this.counts({ organizationCode: scope.organizationCode ?? filter.organizationCode });
    }
    const where = this.filtered(scope, { ...filter, status: undefined }, new SqlFilter(REQUEST_STATUSES, COUNT_CAP));
    where.addCondition('r.status = s.status');
    const found = await rows<{ status: string; count: number }>(
      this.db,
      `SELECT s.status, (SELECT count(*)::int FROM (SELECT 1 FROM requests r ${where.where} LIMIT $2) capped) AS count
         FROM unnest($1::text[]) AS s(status)`,
      where.params,
    );
    return Object.fromEntries(found.filter((r) => r.count > 0).map((r) => [r.status, r.count]));
  }

  /** The queue's conditions: scope, status, kind, organization, decider, requester, search. */
  private filtered(scope: Scope, filter: QueueFilter & { requestedBy?: string }, where: SqlFilter): SqlFilter {
    scoped(scope, where);
    if (filter.status) {
      where.add((p) => `r.status = ${p}`, filter.status);
    }
    if (filter.kind) {
      where.add((p) => `r.kind = ${p}`, filter.kind);
    }
    if (filter.decider) {
      const managers = decidableKinds('manager');
      const kinds = filter.decider === 'organization' ? managers : REQUEST_KINDS.filter((k) => !managers.includes(k));
      where.add((p) => `r.kind = ANY(${p}::text[])`, kinds);
    }
    if (filter.organizationCode) {
      where.add(requestOrganizationIs, filter.organizationCode);
    }
    if (filter.requestedBy) {
      where.add((p) => `r.requested_by = ${p}`, filter.requestedBy);
    }
    const q = filter.q?.trim().toLowerCase();
    if (q) {
      const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
      const byId = /^\d{1,15}$/.test(q) ? ` OR r.id = ${where.bind(Number(q))}` : '';
      if (q.length >= TRIGRAM) {
        // request_search holds the names, written once at submission (migration 021), indexed with
        // pg_trgm: a fragment anywhere (`jdupont` in `LAPOSTE\\jdupont`) is found through the index.
        where.addCondition(
          `(r.id IN (SELECT s.request_id FROM request_search s WHERE s.text LIKE ${where.bind(`%${escaped}%`)})${byId})`,
        );
      } else {
        const prefix = where.bind(`${escaped}%`);
        where.addCondition(`(lower(r.common_name) LIKE ${prefix} OR lower(r.requested_by) LIKE ${prefix}${byId})`);
      }
    }
    return where;
  }

  /**
   * A request with its CSR, for a decision within the scope. Concurrent reads in one scope share
   * a round trip (see Batcher: nothing is cached); the scope is still a condition of the query.
   */
  findForDecision(scope: Scope, id: number): Promise<DecisionRow | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) {
      return Promise.resolve(undefined);
    }
    const key = JSON.stringify([scope.organizationCode ?? null, scope.packageId ?? null, scope.packageLineage ?? null]);
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
    return one(
      this.db,
      `SELECT csr_der, csr_facts, public_key, requested_extensions, device, phone, description FROM requests WHERE id = $1`,
      [id],
    );
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

  async history(
    id: string,
  ): Promise<{ status: RequestStatus; at: Date; actor: string; actorType: string; reason: string | null }[]> {
    return rows(
      this.db,
      `SELECT status, at, actor, actor_type AS "actorType", reason FROM request_history WHERE request_id = $1 ORDER BY id`,
      [id],
    );
  }
}
