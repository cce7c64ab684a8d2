import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { one, rows, type Queryable } from '../common/sql';
import { DATABASE_TARGET, type DatabaseTarget } from './database-options';

/** The tables every enrollment writes to: they need vacuum (dead versions) and fresh statistics. */
export const MAINTAINED_TABLES = [
  'requests',
  'request_history',
  'audit_events',
  'certificates',
  'revocations',
  'request_counts',
  'sessions',
] as const;

const EVERY_MS = 10 * 60_000;
/** pg_try_advisory_lock key, so that several API processes do not vacuum the same tables at once. */
const LOCK_KEY = 0x656e726d; // 'enrm'

/**
 * Vacuums and analyzes Enroll's busy tables when nobody else does: on the embedded PGlite, which
 * has no autovacuum, and on a PostgreSQL where autovacuum is off (as on the machines we test on).
 * Without it the planner never gets statistics and every approval's old row version stays.
 * With autovacuum on, this does nothing. On a server it follows autovacuum's own thresholds
 * (50 rows + 20% dead, 50 rows + 10% changed since the last analyze); PGlite counts no
 * statistics, so there every table is done on each run (VACUUM skips pages that are all-visible).
 */
@Injectable()
export class DatabaseMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseMaintenance.name);
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly db: DataSource,
    @Inject(DATABASE_TARGET) private readonly target: DatabaseTarget,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runQuietly(), EVERY_MS);
    this.timer.unref();
    // A first pass a minute after start, for a database that was never analyzed.
    this.first = setTimeout(() => void this.runQuietly(), 60_000);
    this.first.unref();
    void this.warnIfAutovacuumIsOff();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearTimeout(this.first);
  }

  private get embedded(): boolean {
    return 'embedded' in this.target;
  }

  /** One pass; returns the tables it vacuumed and analyzed (none when autovacuum does it). */
  async run(): Promise<string[]> {
    if (this.running) {
      return [];
    }
    this.running = true;
    // One connection: VACUUM cannot run in a transaction, and the advisory lock belongs to the session.
    const runner = this.db.createQueryRunner();
    try {
      if (!this.embedded && (await this.autovacuumIsOn(runner))) {
        return [];
      }
      const locked = await one<{ ok: boolean }>(runner, `SELECT pg_try_advisory_lock($1) AS ok`, [LOCK_KEY]);
      if (locked?.ok !== true) {
        return [];
      }
      try {
        const tables = this.embedded ? [...MAINTAINED_TABLES] : await this.due(runner);
        for (const table of tables) {
          // The names come from MAINTAINED_TABLES, never from input.
          await runner.query(`VACUUM (ANALYZE) ${table}`);
        }
        if (tables.length > 0) {
          this.logger.log({ tables }, 'vacuumed and analyzed');
        }
        return tables;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [LOCK_KEY]);
      }
    } finally {
      await runner.release();
      this.running = false;
    }
  }

  private async runQuietly(): Promise<void> {
    try {
      await this.run();
    } catch (error) {
      this.logger.error({ err: error }, 'database maintenance failed');
    }
  }

  private async autovacuumIsOn(db: Queryable): Promise<boolean> {
    return (await one<{ on: boolean }>(db, `SELECT current_setting('autovacuum') = 'on' AS on`))?.on === true;
  }

  /** Tables past autovacuum's default thresholds, from the server's statistics counters. */
  private async due(db: Queryable): Promise<string[]> {
    const due = await rows<{ name: string }>(
      db,
      `SELECT s.relname AS name
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.schemaname = current_schema() AND s.relname = ANY($1)
          AND (s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0))
        ORDER BY s.relname`,
      [[...MAINTAINED_TABLES]],
    );
    return due.map((row) => row.name);
  }

  private async warnIfAutovacuumIsOff(): Promise<void> {
    try {
      if (!this.embedded && !(await this.autovacuumIsOn(this.db))) {
        this.logger.warn(
          `autovacuum is off on this PostgreSQL: Enroll vacuums and analyzes its own busy tables every ${EVERY_MS / 60_000} minutes. Turn autovacuum on.`,
        );
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not read the autovacuum setting');
    }
  }
}
