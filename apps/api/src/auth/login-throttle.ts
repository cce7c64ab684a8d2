import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error';
import { one, rows, type Queryable } from '../common/sql';

/**
 * Sign-in limits. Each key (an account from one address; one address for every account) gets
 * `free` attempts within WINDOW_SECONDS, then waits a back-off that doubles at each further
 * failure, from BASE_BACKOFF_SECONDS up to MAX_BACKOFF_SECONDS. It is not a lock: someone
 * guessing from one address slows down that address only, never the account's owner elsewhere,
 * and an administrator can clear an account's limits.
 */
export const LIMITS = {
  account: { free: 5 },
  address: { free: 30 },
} as const;
export const WINDOW_SECONDS = 15 * 60;
export const BASE_BACKOFF_SECONDS = 60;
export const MAX_BACKOFF_SECONDS = 15 * 60;

const accountKey = (username: string, ip: string): string => `u:${username.slice(0, 64)}|${ip.slice(0, 64)}`;
const addressKey = (ip: string): string => `a:${ip.slice(0, 64)}`;

/** Every statement on `login_throttle`. */
@Injectable()
export class LoginThrottle {
  constructor(private readonly db: DataSource) {}

  /**
   * Counts an attempt before the password is checked, so that concurrent guesses are counted one
   * by one (the upsert takes the key's row lock): of 20 at once, `free` are evaluated and the rest
   * refused. A sign-in that succeeds gives its reservation back (succeeded()).
   */
  async reserve(username: string, ip: string, now: Date): Promise<void> {
    await this.reserveKey(accountKey(username, ip), username.slice(0, 64), LIMITS.account.free, now);
    await this.reserveKey(addressKey(ip), null, LIMITS.address.free, now);
  }

  /** After a correct password: the account starts afresh from this address; the address's attempt is given back. */
  async succeeded(q: Queryable, username: string, ip: string): Promise<void> {
    await q.query(`DELETE FROM login_throttle WHERE key = $1`, [accountKey(username, ip)]);
    await q.query(`UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1`, [addressKey(ip)]);
  }

  /** An administrator lifts an account's limits, from every address. */
  async clear(q: Queryable, username: string): Promise<number> {
    return (await rows<{ key: string }>(q, `DELETE FROM login_throttle WHERE username = $1 RETURNING key`, [username]))
      .length;
  }

  /** When each account may next try from the address that waits longest (accounts not waiting are absent). */
  async blockedUntil(usernames: readonly string[], now: Date): Promise<Map<string, Date>> {
    const found = await rows<{ username: string; until: Date }>(
      this.db,
      `SELECT username, max(next_at) AS until FROM login_throttle WHERE username = ANY($1) AND next_at > $2 GROUP BY username`,
      [usernames, now],
    );
    return new Map(found.map((r) => [r.username, r.until]));
  }

  private async reserveKey(key: string, username: string | null, free: number, now: Date): Promise<void> {
    // The counter restarts after a quiet window; past `free`, next_at moves out by the back-off.
    // The row is locked by the upsert, and a key that must still wait is not updated: no row comes back.
    const failures = `(CASE WHEN t.updated_at <= $3::timestamptz - make_interval(secs => $5) THEN 1 ELSE t.failures + 1 END)`;
    const backoff = (n: string): string =>
      `(CASE WHEN ${n} < $4 THEN 0 ELSE least($7::int, $6::int * power(2, least(${n} - $4, 10)))::int END)`;
    const reserved = await one<{ failures: number }>(
      this.db,
      `INSERT INTO login_throttle AS t (key, username, failures, next_at, updated_at)
       VALUES ($1, $2, 1, $3::timestamptz + make_interval(secs => ${backoff('1')}), $3)
       ON CONFLICT (key) DO UPDATE SET failures = ${failures}, next_at = $3::timestamptz + make_interval(secs => ${backoff(failures)}), updated_at = $3
       WHERE t.next_at <= $3
       RETURNING t.failures`,
      [key, username, now, free, WINDOW_SECONDS, BASE_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS],
    );
    if (reserved) {
      return;
    }
    const waiting = await one<{ next_at: Date }>(this.db, `SELECT next_at FROM login_throttle WHERE key = $1`, [key]);
    const seconds = Math.max(1, Math.ceil(((waiting?.next_at.getTime() ?? now.getTime()) - now.getTime()) / 1000));
    throw new AppError('RATE_LIMITED', `Too many failed sign-ins: wait ${seconds} seconds and try again.`, {
      retryAfterSeconds: seconds,
    });
  }
}
