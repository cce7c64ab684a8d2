import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildCrl, serialFromHex } from '@enroll/pki';
import { Clock } from '../common/clock';
import { one, type Queryable } from '../common/sql';
import { CaService } from './ca.service';
import { CertificatesRepository } from './certificates.repository';

/** How long a CRL is valid; a new one is made well before (RFC 5280 5.1.2.5). */
const CRL_VALIDITY_MS = 24 * 3_600_000;
const REFRESH_BEFORE_MS = 12 * 3_600_000;
/**
 * How long this process serves its CRL without asking the database again. Its own revocations
 * clear it at once; another process's show within this bound (OCSP and the mTLS port, which
 * read the database per request, are the immediate paths).
 */
const CACHE_MS = 5_000;

interface CrlRow {
  crl_number: string;
  this_update: Date;
  next_update: Date;
  revocation_count: number;
  der: Buffer;
}

/**
 * The CRL, built from the revocations table. A CRL is reused while no revocation was added
 * and it is far from nextUpdate; otherwise a new one gets the next number under an advisory
 * lock, so that several API processes never issue two CRLs with one number.
 */
@Injectable()
export class CrlService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CrlService.name);
  private timer: NodeJS.Timeout | undefined;
  private cached: { readonly row: CrlRow; readonly at: number } | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly ca: CaService,
    private readonly certificates: CertificatesRepository,
    private readonly clock: Clock,
  ) {}

  /** The newest CRL and how many revocations exist: a CRL that counts fewer is stale. */
  private async latestAndCount(db: Queryable): Promise<{ latest: CrlRow | undefined; count: number }> {
    const latest = await one<CrlRow>(
      db,
      `SELECT crl_number, this_update, next_update, revocation_count, der FROM crls ORDER BY crl_number DESC LIMIT 1`,
    );
    return { latest, count: await this.certificates.revocationCount(db, this.ca.ca.issuing.keyId) };
  }

  /** Refreshes on a schedule, so that a CRL is always published well before its nextUpdate. */
  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.refreshQuietly(), 15 * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Called right after a revocation commits. If the process dies first, nothing is lost: the
   * next fetch sees more revocations than the latest CRL counts and builds a new one.
   */
  refreshQuietly(): void {
    this.cached = undefined;
    this.current().catch((error: unknown) => this.logger.error({ err: error }, 'CRL refresh failed'));
  }

  /** The current CRL: from memory while recent, else from the database, built anew when stale. */
  async current(): Promise<CrlRow> {
    const now = this.clock.now();
    const cached = this.cached;
    if (
      cached &&
      now.getTime() - cached.at < CACHE_MS &&
      cached.row.next_update.getTime() - now.getTime() > REFRESH_BEFORE_MS
    ) {
      return cached.row;
    }
    const row = await this.load(now);
    this.cached = { row, at: now.getTime() };
    return row;
  }

  private async load(now: Date): Promise<CrlRow> {
    const { latest, count } = await this.latestAndCount(this.db);
    if (latest && this.fresh(latest, count, now)) {
      return latest;
    }
    return this.regenerate(now);
  }

  private fresh(crl: CrlRow, revocations: number, now: Date): boolean {
    return crl.revocation_count === revocations && crl.next_update.getTime() - now.getTime() > REFRESH_BEFORE_MS;
  }

  async regenerate(now: Date): Promise<CrlRow> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(7403)`);
      const { latest, count } = await this.latestAndCount(manager);
      if (latest && this.fresh(latest, count, now)) {
        return latest;
      }
      const entries = await this.certificates.crlEntries(manager, now, this.ca.ca.issuing.keyId);
      const crlNumber = BigInt(latest?.crl_number ?? '0') + 1n;
      const nextUpdate = new Date(now.getTime() + CRL_VALIDITY_MS);
      const der = await buildCrl({
        authority: this.ca.ca.authority,
        crlNumber,
        thisUpdate: now,
        nextUpdate,
        entries: entries.map((e) => ({
          serial: serialFromHex(e.serial) ?? Buffer.alloc(1),
          revokedAt: e.revoked_at,
          reason: e.reason,
        })),
      });
      const row: CrlRow = {
        crl_number: crlNumber.toString(),
        this_update: now,
        next_update: nextUpdate,
        revocation_count: count,
        der,
      };
      await manager.query(
        `INSERT INTO crls (crl_number, this_update, next_update, revocation_count, der) VALUES ($1, $2, $3, $4, $5)`,
        [row.crl_number, row.this_update, row.next_update, row.revocation_count, row.der],
      );
      return row;
    });
  }
}
