import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RequestKind } from '@enroll/domain';
import { organizationIs, rows, SqlFilter } from '../common/sql';

const requestOrganizationIs = organizationIs('r.organization_id');

/** The overview's aggregates, each scoped in its query (a manager's organization, or all). */
@Injectable()
export class DashboardRepository {
  constructor(private readonly db: DataSource) {}

  /** Pending requests per organization and kind: the pending rows only (ix_requests_status_id). */
  pendingByOrganization(
    organizationCode: string | undefined,
  ): Promise<{ organization_code: string; kind: RequestKind; count: number }[]> {
    const where = this.scoped(new SqlFilter(), requestOrganizationIs, organizationCode).addCondition(
      `r.status = 'Pending'`,
    );
    return rows(
      this.db,
      `SELECT o.code AS organization_code, r.kind, count(*)::int AS count
         FROM requests r JOIN organizations o ON o.id = r.organization_id ${where.where}
        GROUP BY o.code, r.kind ORDER BY count DESC, o.code, r.kind`,
      where.params,
    );
  }

  /** The pending requests that have waited longest. */
  oldestPending(
    organizationCode: string | undefined,
    limit: number,
  ): Promise<
    {
      id: string;
      common_name: string;
      requested_by: string;
      organization_code: string;
      kind: RequestKind;
      submitted_at: Date;
    }[]
  > {
    const where = this.scoped(new SqlFilter(limit), requestOrganizationIs, organizationCode).addCondition(
      `r.status = 'Pending'`,
    );
    return rows(
      this.db,
      `SELECT r.id, r.common_name, r.requested_by, o.code AS organization_code, r.kind, r.submitted_at
         FROM requests r JOIN organizations o ON o.id = r.organization_id ${where.where} ORDER BY r.id LIMIT $1`,
      where.params,
    );
  }

  /**
   * Requests per day since `since`. Ids grow with submission, so the rows are those above the
   * last id submitted before `since`: the id index reads the period only, not a million rows.
   */
  requestsPerDay(organizationCode: string | undefined, since: Date): Promise<{ day: string; count: number }[]> {
    const where = this.scoped(new SqlFilter(since), requestOrganizationIs, organizationCode);
    where.addCondition(
      `r.id > coalesce((SELECT p.id FROM requests p WHERE p.submitted_at < $1 ORDER BY p.id DESC LIMIT 1), 0)`,
    );
    return rows(
      this.db,
      `SELECT to_char(r.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS count
         FROM requests r ${where.where} GROUP BY 1 ORDER BY 1`,
      where.params,
    );
  }

  private scoped(where: SqlFilter, condition: (p: string) => string, organizationCode: string | undefined): SqlFilter {
    return organizationCode === undefined ? where : where.add(condition, organizationCode);
  }
}
