import { Injectable } from '@nestjs/common';
import type { RecentNotificationView } from '@enroll/contract';
import { DataSource } from 'typeorm';
import { organizationIs, rows, SqlFilter } from '../common/sql';
import type { NotificationEvent } from './messages';

/** How many events the bell shows at most. */
export const RECENT_LIMIT = 20;

interface RecentRow {
  id: string;
  event: NotificationEvent;
  at: Date;
  request_id: string | null;
  organization_code: string | null;
  common_name: string | null;
  serial: string | null;
  reason: string | null;
}

const text = (value: string | null): string | undefined => (value === null || value === '' ? undefined : value);

/**
 * The latest outbox events of a reader's scope, for the portal's bell. The scope is a condition
 * of the query itself (a manager: `organization_id` is its organization's; an administrator:
 * none), so no other organization's row ever leaves the database. Served by the primary key for
 * all organizations, by ix_notification_outbox_organization (migration 1764000000071) for one.
 */
@Injectable()
export class RecentEventsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * @param organizationCode the manager's organization; undefined for all (administrators)
   * @param after only the events with a greater id (what a client has not seen yet)
   */
  async recent(organizationCode: string | undefined, after: number | undefined): Promise<RecentNotificationView[]> {
    const where = new SqlFilter(RECENT_LIMIT);
    if (organizationCode !== undefined) {
      where.add(organizationIs('n.organization_id'), organizationCode);
    }
    if (after !== undefined) {
      where.add((p) => `n.id > ${p}`, after);
    }
    // The common name: the event's own (certificate.expiring carries it), else its request's.
    const found = await rows<RecentRow>(
      this.db,
      `SELECT n.id, n.event, n.at, n.request_id, o.code AS organization_code,
              coalesce(n.data->>'commonName', r.common_name) AS common_name,
              n.data->>'serialNumber' AS serial, n.data->>'reason' AS reason
         FROM (SELECT * FROM notification_outbox n ${where.where} ORDER BY n.id DESC LIMIT $1) n
         LEFT JOIN organizations o ON o.id = n.organization_id
         LEFT JOIN requests r ON r.id = n.request_id
        ORDER BY n.id DESC`,
      where.params,
    );
    return found.map((row) => {
      const commonName = text(row.common_name);
      const serial = text(row.serial);
      const reason = text(row.reason);
      return {
        id: Number(row.id),
        event: row.event,
        at: row.at,
        requestId: row.request_id === null ? null : Number(row.request_id),
        organizationCode: row.organization_code,
        ...(commonName === undefined ? {} : { commonName }),
        ...(serial === undefined ? {} : { serial }),
        ...(reason === undefined ? {} : { reason }),
      };
    });
  }
}
