import { UsageError } from './errors';

/** When a certificate is due for renewal: a share of its lifetime left, or a number of days left. */
export type RenewalThreshold = { readonly fraction: number } | { readonly days: number };

/** A third of the lifetime left, as certmonger and step-ca's `--renew-period` default to about. */
export const DEFAULT_THRESHOLD = '33%';

const DAY_MS = 86_400_000;

/** Parses `33%` (of the lifetime left) or `30d` (days left). */
export function parseThreshold(text: string): RenewalThreshold {
  const percent = /^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (percent) {
    const value = Number(percent[1]);
    if (value > 0 && value <= 100) {
      return { fraction: value / 100 };
    }
  }
  const days = /^\s*(\d{1,5})\s*d\s*$/i.exec(text);
  if (days) {
    return { days: Number(days[1]) };
  }
  throw new UsageError(
    'THRESHOLD_INVALID',
    `The renewal threshold must be a share of the lifetime left (1% to 100%, e.g. 33%) or days left (e.g. 30d), not ${JSON.stringify(text)}.`,
  );
}

export interface Due {
  readonly due: boolean;
  /** From when renew --if-due renews. */
  readonly dueFrom: Date;
  readonly daysLeft: number;
}

/** Whether a certificate valid from `notBefore` to `notAfter` is due at `now`. */
export function renewalDue(notBefore: Date, notAfter: Date, threshold: RenewalThreshold, now: Date): Due {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  const before = 'fraction' in threshold ? lifetime * threshold.fraction : threshold.days * DAY_MS;
  const dueFrom = new Date(notAfter.getTime() - before);
  return {
    due: now.getTime() >= dueFrom.getTime(),
    dueFrom,
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}
