import { Injectable } from '@nestjs/common';
import type { Actor } from '@enroll/domain';
import type { Preferences } from '@enroll/contract';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { one } from '../common/sql';
import type { UpdatePreferencesDto } from './dto/preferences.dto';

interface PreferencesRow {
  email: string | null;
  language: Preferences['language'];
  mail_digest: boolean;
  organization_id: string | null;
}

const view = (row: PreferencesRow): Preferences => ({
  email: row.email,
  language: row.language,
  mailDigest: row.mail_digest,
});

/** A person's own settings: the address and language of its mails, immediate or one digest a day. */
@Injectable()
export class PreferencesService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor): Promise<Preferences> {
    const row = await one<PreferencesRow>(
      this.db,
      `SELECT email, language, mail_digest, organization_id FROM users WHERE id = $1`,
      [actor.userId],
    );
    if (!row) {
      throw notFound('User');
    }
    return view(row);
  }

  /** Changes what is given; what did change is audited in the same transaction (the values: no secrets). */
  async update(actor: Actor, changes: UpdatePreferencesDto): Promise<Preferences> {
    return this.db.transaction(async (q) => {
      const before = await one<PreferencesRow>(
        q,
        `SELECT email, language, mail_digest, organization_id FROM users WHERE id = $1 FOR UPDATE`,
        [actor.userId],
      );
      if (!before) {
        throw notFound('User');
      }
      const row = await one<PreferencesRow>(
        q,
        `UPDATE users SET email = CASE WHEN $2 THEN $3 ELSE email END, language = coalesce($4, language),
                mail_digest = coalesce($5, mail_digest)
          WHERE id = $1 RETURNING email, language, mail_digest, organization_id`,
        [
          actor.userId,
          changes.email !== undefined,
          changes.email ?? null,
          changes.language ?? null,
          changes.mailDigest ?? null,
        ],
      );
      if (!row) {
        throw notFound('User');
      }
      const was = view(before);
      const now = view(row);
      const changed = Object.fromEntries(
        (Object.keys(now) as (keyof Preferences)[]).filter((k) => now[k] !== was[k]).map((k) => [k, now[k]]),
      );
      if (Object.keys(changed).length === 0) {
        return now;
      }
      await this.audit.record(q, {
        at: this.clock.now(),
        actor: actor.username,
        actorType: 'user',
        action: 'user.preferences.change',
        organizationId: row.organization_id,
        target: actor.username,
        details: changed,
      });
      return now;
    });
  }
}
