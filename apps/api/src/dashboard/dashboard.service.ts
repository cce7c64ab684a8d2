import { Injectable } from '@nestjs/common';
import { organizationScope, type Actor } from '@enroll/domain';
import type { DashboardView } from '@enroll/contract';
import { CertificatesRepository } from '../authority';
import { Clock } from '../common/clock';
import { EXPIRY_WINDOWS, summarizeExpiring } from '../certificates/expiring';
import { DashboardRepository } from './dashboard.repository';

const DAY = 86_400_000;
/** The periods the overview covers: requests over 30 days, expiries over 12 months. */
export const REQUEST_DAYS = 30;
export const EXPIRY_MONTHS = 12;
const OLDEST = 5;

/** The overview: an administrator's of everything, a manager's of their organization. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly dashboard: DashboardRepository,
    private readonly certificates: CertificatesRepository,
    private readonly clock: Clock,
  ) {}

  async overview(actor: Actor): Promise<DashboardView> {
    const now = this.clock.now();
    const scope = organizationScope(actor);
    const since = new Date(now.getTime() - (REQUEST_DAYS - 1) * DAY);
    since.setUTCHours(0, 0, 0, 0);
    const until = new Date(now);
    until.setUTCMonth(until.getUTCMonth() + EXPIRY_MONTHS);
    const [pending, oldest, perDay, expiring, soon] = await Promise.all([
      this.dashboard.pendingByOrganization(scope),
      this.dashboard.oldestPending(scope, OLDEST),
      this.dashboard.requestsPerDay(scope, since),
      this.certificates.expiringPerMonth(scope, now, until),
      this.certificates.expiringSummary(scope, now, EXPIRY_WINDOWS),
    ]);
    return {
      generatedAt: now,
      pendingByOrganization: pending.map((p) => ({
        organizationCode: p.organization_code,
        kind: p.kind,
        count: p.count,
      })),
      oldestPending: oldest.map((o) => ({
        id: Number(o.id),
        commonName: o.common_name,
        requestedBy: o.requested_by,
        organizationCode: o.organization_code,
        kind: o.kind,
        submittedAt: o.submitted_at,
      })),
      requestsPerDay: perDay,
      expiringPerMonth: expiring,
      expiringSoon: summarizeExpiring(soon).total,
    };
  }
}
