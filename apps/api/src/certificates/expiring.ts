import type { ExpiringCounts, ExpiringSummary } from '@enroll/contract';

/** The windows of the "expiring soon" view and of the overview's count, in days. */
export const EXPIRY_WINDOWS = [1, 7, 30] as const;

const counts = ([day, week, month]: readonly number[]): ExpiringCounts => ({
  within1Day: day ?? 0,
  within7Days: week ?? 0,
  within30Days: month ?? 0,
});

/** The repository's rows (counts per window, per organization) as the API answers them, with their total. */
export function summarizeExpiring(
  found: readonly { organization_code: string; organization_name: string; counts: readonly number[] }[],
): Omit<ExpiringSummary, 'generatedAt'> {
  const total = EXPIRY_WINDOWS.map((_, i) => found.reduce((sum, o) => sum + (o.counts[i] ?? 0), 0));
  return {
    total: counts(total),
    organizations: found.map((o) => ({
      organizationCode: o.organization_code,
      organizationName: o.organization_name,
      ...counts(o.counts),
    })),
  };
}
