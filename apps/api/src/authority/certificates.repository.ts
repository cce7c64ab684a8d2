import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiRevocationReason } from '@enroll/domain';
import type { RevocationReason } from '@enroll/pki';
import { Batcher } from '../common/batcher';
import { decodeCursor } from '../common/paging';
import { one, organizationIs, pool, rows, SqlFilter, type Queryable } from '../common/sql';

/**
 * A certificates row as enroll_approve_request and insert() take it: every column, as JSON for
 * jsonb_populate_record (bytea in PostgreSQL's hex form). Every key is required, so a column added
 * to the table and not written here fails to compile, and schema.int-spec.ts compares the keys
 * with the table's columns.
 */
export interface CertificateRecord {
  serial: string;
  request_id: string | null;
  user_id: string | null;
  organization_id: string | null;
  profile: string;
  issuer_key_id: string;
  subject: string;
  common_name: string;
  not_before: string;
  not_after: string;
  der: string;
  spki_sha256: string;
  status: 'valid' | 'revoked';
  created_at: string;
}

/** A certificate with its revocation, as the certificates context lists it. */
export interface CertificateRow {
  serial: string;
  request_id: string | null;
  organization_code: string | null;
  profile: string;
  subject: string;
  common_name: string;
  not_before: Date;
  not_after: Date;
  status: 'valid' | 'revoked';
  created_at: Date;
  revoked_at: Date | null;
  reason: string | null;
  superseded_by: string | null;
}

/** What a status check needs: OCSP, the mTLS port, the CRL. */
export interface CertificateStatusRow {
  serial: string;
  request_id: string | null;
  profile: string;
  /** The key id of the CA that issued it: the issuing CA's, or the root's for CA certificates. */
  issuer_key_id: Buffer;
  subject: string;
  not_after: Date;
  status: 'valid' | 'revoked';
  revoked_at: Date | null;
  reason: RevocationReason | null;
}

/** A certificate about to expire, for its notice. */
export interface ExpiringCertificate {
  serial: string;
  request_id: string | null;
  organization_id: string | null;
  common_name: string;
  subject: string;
  not_after: Date;
}

/** A certificate that a revocation touched. */
export interface RevokedCertificate {
  serial: string;
  request_id: string | null;
  organization_id: string | null;
  spki_sha256: Buffer;
}

export interface CertificateFilter {
  /** Scope: a manager's organization. */
  readonly organizationCode?: string;
  /** A filter chosen in the list. */
  readonly organization?: string;
  readonly status?: 'valid' | 'expired' | 'revoked';
  readonly expiringBefore?: Date;
  /** false: only certificates no renewal has superseded yet (what still needs one); true: only superseded ones. */
  readonly renewed?: boolean;
  /** The profile (a request kind, `manager` for people's certificates). */
  readonly profile?: string;
  /** The start of the serial (hex), or a fragment of the common name. */
  readonly q?: string;
  readonly cursor?: string;
  readonly limit: number;
  readonly now: Date;
}

// A renewal's certificate supersedes this one (requests.renewal_of, through ix_requests_renewal_of).
const COLUMNS = `c.serial, c.request_id, o.code AS organization_code, c.profile, c.subject, c.common_name, c.not_before, c.not_after, c.status,
  c.created_at, v.revoked_at, v.reason,
  (SELECT n.certificate_serial FROM requests n WHERE n.renewal_of = c.request_id AND n.certificate_serial IS NOT NULL LIMIT 1) AS superseded_by`;
/** A renewal of `c` that has been issued: `c` is superseded (ix_requests_renewal_of). */
const RENEWED = `SELECT 1 FROM requests n WHERE n.renewal_of = c.request_id AND n.certificate_serial IS NOT NULL`;
const FROM = `certificates c LEFT JOIN organizations o ON o.id = c.organization_id LEFT JOIN revocations v ON v.serial = c.serial`;
const certificateOrganizationIs = organizationIs('c.organization_id');

/** Every statement on `certificates` and `revocations` (the transition functions of migration 008 aside). */
@Injectable()
export class CertificatesRepository {
  constructor(private readonly db: DataSource) {}

  async insert(q: Queryable, record: CertificateRecord, options: { ifMissing?: boolean } = {}): Promise<void> {
    await q.query(
      `INSERT INTO certificates SELECT * FROM jsonb_populate_record(NULL::certificates, $1::jsonb)${options.ifMissing ? ' ON CONFLICT (serial) DO NOTHING' : ''}`,
      [JSON.stringify(record)],
    );
  }

  /** Concurrent status reads (OCSP) share round trips (see Batcher: nothing is cached). */
  private readonly statusReads = new Batcher<string, CertificateStatusRow>(async (serials) => {
    const found = await rows<CertificateStatusRow>(
      pool(this.db),
      `SELECT c.serial, c.request_id, c.profile, c.issuer_key_id, c.subject, c.not_after, c.status, v.revoked_at, v.reason
         FROM certificates c LEFT JOIN revocations v ON v.serial = c.serial WHERE c.serial = ANY($1)`,
      [serials],
    );
    return new Map(found.map((r) => [r.serial, r]));
  });

  /** The status of each serial as the database says now; a serial this CA never issued is absent. */
  statuses(serials: readonly string[]): Promise<Map<string, CertificateStatusRow>> {
    return this.statusReads.load(serials);
  }

  async derOfRequest(q: Queryable, requestId: string): Promise<Buffer | undefined> {
    return (await one<{ der: Buffer }>(q, `SELECT der FROM certificates WHERE request_id = $1`, [requestId]))?.der;
  }

  async derOf(serial: string): Promise<Buffer | undefined> {
    return (await one<{ der: Buffer }>(this.db, `SELECT der FROM certificates WHERE serial = $1`, [serial]))?.der;
  }

  ofRequest(
    requestId: string,
  ): Promise<{ serial: string; not_before: Date; not_after: Date; status: string } | undefined> {
    return one(this.db, `SELECT serial, not_before, not_after, status FROM certificates WHERE request_id = $1`, [
      requestId,
    ]);
  }

  async list(filter: CertificateFilter): Promise<CertificateRow[]> {
    const where = new SqlFilter(filter.limit + 1);
    if (filter.organizationCode !== undefined) {
      where.add(certificateOrganizationIs, filter.organizationCode);
    }
    if (filter.organization) {
      where.add(certificateOrganizationIs, filter.organization);
    }
    switch (filter.status) {
      case 'valid':
        where.add((p) => `c.status = 'valid' AND c.not_after > ${p}`, filter.now);
        break;
      case 'expired':
        where.add((p) => `c.status = 'valid' AND c.not_after <= ${p}`, filter.now);
        break;
      case 'revoked':
        where.addCondition(`c.status = 'revoked'`);
        break;
      case undefined:
        break;
    }
    if (filter.expiringBefore) {
      where.add((p) => `c.not_after < ${p}`, filter.expiringBefore);
    }
    if (filter.renewed !== undefined) {
      where.addCondition(`${filter.renewed ? '' : 'NOT '}EXISTS (${RENEWED})`);
    }
    if (filter.profile) {
      where.add((p) => `c.profile = ${p}`, filter.profile);
    }
    if (filter.q) {
      const text = filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      // Serials are stored in upper-case hex (serialToHex); people paste them with colons.
      const serial = /^[0-9a-f:]+$/.test(text)
        ? ` OR c.serial LIKE ${where.bind(`${text.replace(/:/g, '').toUpperCase()}%`)}`
        : '';
      where.addCondition(`(lower(c.common_name) LIKE ${where.bind(`%${text}%`)}${serial})`);
    }
    const after = decodeCursor(filter.cursor, 2);
    if (after) {
      where.addCondition(`(c.created_at, c.serial) < (${where.bind(after[0])}::timestamptz, ${where.bind(after[1])})`);
    }
    return rows<CertificateRow>(
      this.db,
      `SELECT ${COLUMNS} FROM ${FROM} ${where.where} ORDER BY c.created_at DESC, c.serial DESC LIMIT $1`,
      where.params,
    );
  }

  find(serial: string, scope: { organizationCode?: string }): Promise<CertificateRow | undefined> {
    const where = new SqlFilter(serial).addCondition('c.serial = $1');
    if (scope.organizationCode !== undefined) {
      where.add(certificateOrganizationIs, scope.organizationCode);
    }
    return one<CertificateRow>(this.db, `SELECT ${COLUMNS} FROM ${FROM} ${where.where}`, where.params);
  }

  /** The certificates issued to a person (user certificates), newest first. */
  ofUser(q: Queryable, userId: string): Promise<CertificateRow[]> {
    return rows<CertificateRow>(
      q,
      `SELECT ${COLUMNS} FROM ${FROM} WHERE c.user_id = $1 ORDER BY c.created_at DESC, c.serial DESC`,
      [userId],
    );
  }

  /** The person a certificate was issued to, if it is a user certificate. */
  async userOf(serial: string): Promise<string | undefined> {
    return (
      await one<{ user_id: string }>(
        this.db,
        `SELECT user_id FROM certificates WHERE serial = $1 AND user_id IS NOT NULL`,
        [serial],
      )
    )?.user_id;
  }

  /**
   * Revokes the still-valid certificates chosen by `which` (one serial, or every certificate of a
   * key), in the caller's transaction: the rows are locked, so two revocations of one certificate
   * write one revocation.
   */
  async revoke(
    q: Queryable,
    which: { serial: string } | { spkiSha256: Buffer } | { requestId: string },
    revocation: { reason: ApiRevocationReason; actor: string; at: Date },
  ): Promise<RevokedCertificate[]> {
    const [condition, value] =
      'serial' in which
        ? ['serial = $1', which.serial]
        : 'requestId' in which
          ? ['request_id = $1', which.requestId]
          : ['spki_sha256 = $1', which.spkiSha256];
    return rows<RevokedCertificate>(
      q,
      `WITH target AS (
         SELECT serial FROM certificates WHERE ${condition} AND status = 'valid' FOR UPDATE
       ), revoked AS (
         UPDATE certificates c SET status = 'revoked' FROM target t WHERE c.serial = t.serial
         RETURNING c.serial, c.request_id, c.organization_id, c.spki_sha256, c.not_after
       ), written AS (
         INSERT INTO revocations (serial, revoked_at, reason, actor, spki_sha256, not_after)
         SELECT serial, $2, $3, $4, spki_sha256, not_after FROM revoked
       )
       SELECT serial, request_id, organization_id, spki_sha256 FROM revoked`,
      [value, revocation.at, revocation.reason, revocation.actor],
    );
  }

  /** The key of a certificate, for a revocation of every certificate of that key. */
  async keyOf(q: Queryable, which: { serial: string } | { requestId: string }): Promise<Buffer | undefined> {
    const [condition, value] = 'serial' in which ? ['serial = $1', which.serial] : ['request_id = $1', which.requestId];
    return (await one<{ spki_sha256: Buffer }>(q, `SELECT spki_sha256 FROM certificates WHERE ${condition}`, [value]))
      ?.spki_sha256;
  }

  /** Valid certificates expiring per month, from `now` to `until` (the overview), within an organization or all. */
  expiringPerMonth(
    organizationCode: string | undefined,
    now: Date,
    until: Date,
  ): Promise<{ month: string; count: number }[]> {
    const where = new SqlFilter(now, until).addCondition(
      `c.status = 'valid' AND c.not_after > $1 AND c.not_after <= $2`,
    );
    if (organizationCode !== undefined) {
      where.add(certificateOrganizationIs, organizationCode);
    }
    return rows(
      this.db,
      `SELECT to_char(c.not_after AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int AS count FROM certificates c ${where.where} GROUP BY 1 ORDER BY 1`,
      where.params,
    );
  }

  /**
   * Valid certificates not yet superseded by a renewal whose end falls within each of `windows`
   * days of `now` (cumulative), per organization: what still needs a renewal, most urgent first.
   */
  expiringSummary(
    organizationCode: string | undefined,
    now: Date,
    windows: readonly [number, number, number],
  ): Promise<{ organization_code: string; organization_name: string; counts: [number, number, number] }[]> {
    const [a, b, c] = windows;
    const where = new SqlFilter(now, a, b, c).addCondition(
      `c.status = 'valid' AND c.not_after > $1::timestamptz AND c.not_after <= $1::timestamptz + make_interval(days => $4::int) AND NOT EXISTS (${RENEWED})`,
    );
    if (organizationCode !== undefined) {
      where.add(certificateOrganizationIs, organizationCode);
    }
    return rows(
      this.db,
      `SELECT o.code AS organization_code, o.name AS organization_name,
              ARRAY[count(*) FILTER (WHERE c.not_after <= $1::timestamptz + make_interval(days => $2::int)),
                    count(*) FILTER (WHERE c.not_after <= $1::timestamptz + make_interval(days => $3::int)),
                    count(*)]::int[] AS counts
         FROM certificates c JOIN organizations o ON o.id = c.organization_id ${where.where}
        GROUP BY o.code, o.name ORDER BY counts DESC, o.code`,
      where.params,
    );
  }

  /** Valid certificates whose end falls within (`beyondDays`, `days`] days of `now`: the expiry notices. */
  expiringWithin(q: Queryable, now: Date, days: number, beyondDays: number | null): Promise<ExpiringCertificate[]> {
    return rows(
      q,
      `SELECT c.serial, c.request_id, c.organization_id, c.common_name, c.subject, c.not_after FROM certificates c
        WHERE c.status = 'valid' AND c.not_after > $1 AND c.not_after <= $1 + make_interval(days => $2::int)
          AND ($3::int IS NULL OR c.not_after > $1 + make_interval(days => $3::int))`,
      [now, days, beyondDays],
    );
  }

  /** Whether a key was revoked for keyCompromise on any certificate. */
  async keyCompromised(spkiSha256: Buffer): Promise<boolean> {
    return (
      (
        await one<{ found: boolean }>(
          this.db,
          `SELECT EXISTS (SELECT 1 FROM revocations WHERE spki_sha256 = $1 AND reason = 'keyCompromise') AS found`,
          [spkiSha256],
        )
      )?.found === true
    );
  }

  /**
   * A CA's CRL entries: the revocations of the certificates it issued (by its key id), listed
   * until the certificate expires (RFC 5280 3.3).
   */
  crlEntries(
    q: Queryable,
    now: Date,
    issuerKeyId: Buffer,
  ): Promise<{ serial: string; revoked_at: Date; reason: RevocationReason }[]> {
    return rows(
      q,
      `SELECT v.serial, v.revoked_at, v.reason FROM revocations v JOIN certificates c ON c.serial = v.serial
        WHERE v.not_after > $1 AND c.issuer_key_id = $2 ORDER BY v.revoked_at, v.serial`,
      [now, issuerKeyId],
    );
  }

  /** How many certificates of a CA were ever revoked: a CRL that counts fewer is stale. */
  async revocationCount(q: Queryable, issuerKeyId: Buffer): Promise<number> {
    return (
      (
        await one<{ count: number }>(
          q,
          `SELECT count(*)::int AS count FROM revocations v JOIN certificates c ON c.serial = v.serial WHERE c.issuer_key_id = $1`,
          [issuerKeyId],
        )
      )?.count ?? 0
    );
  }
}
