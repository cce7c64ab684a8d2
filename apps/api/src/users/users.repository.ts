import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '@enroll/domain';
import { one, rows, type Queryable } from '../common/sql';

/** A person as sign-in and the people actions read them. */
export interface AccountRow {
  id: string;
  username: string;
  role: Role;
  password_hash: string;
  organization_id: string | null;
  organization_code: string | null;
  organization_country: string | null;
  email: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

const ACCOUNT = `SELECT u.id, u.username, u.role, u.password_hash, u.organization_id, o.code AS organization_code, o.country AS organization_country,
  u.email, u.created_at, u.disabled_at FROM users u LEFT JOIN organizations o ON o.id = u.organization_id`;

/** Statements on `users` for sign-in and the people actions (creation keeps its entity in UsersService). */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: DataSource) {}

  byUsername(username: string): Promise<AccountRow | undefined> {
    return one<AccountRow>(this.db, `${ACCOUNT} WHERE u.username = $1`, [username]);
  }

  /** By id; an id that is not a UUID cannot exist, and is not sent to the database (it would refuse it). */
  byId(id: string, q: Queryable = this.db): Promise<AccountRow | undefined> {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
      ? one<AccountRow>(q, `${ACCOUNT} WHERE u.id = $1`, [id])
      : Promise.resolve(undefined);
  }

  list(): Promise<AccountRow[]> {
    return rows<AccountRow>(this.db, `${ACCOUNT} ORDER BY u.username`);
  }

  /** Disables an enabled account (the first date is kept) and answers whether it changed. */
  async disable(q: Queryable, id: string, at: Date): Promise<boolean> {
    return (
      (await rows(q, `UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL RETURNING id`, [id, at]))
        .length > 0
    );
  }

  async enable(q: Queryable, id: string): Promise<boolean> {
    return (
      (
        await rows(q, `UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL RETURNING id`, [
          id,
        ])
      ).length > 0
    );
  }

  async setPassword(q: Queryable, id: string, passwordHash: string): Promise<void> {
    await q.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [id, passwordHash]);
  }
}
