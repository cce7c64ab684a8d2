import { UsageError } from './errors';
import { parseThreshold, renewalDue } from './renewal-due';

const DAY = 86_400_000;
const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date(notBefore.getTime() + 730 * DAY);

describe('when a certificate is due for renewal', () => {
  it('reads a share of the lifetime left or days left, and refuses anything else', () => {
    expect(parseThreshold('33%')).toEqual({ fraction: 0.33 });
    expect(parseThreshold('100%')).toEqual({ fraction: 1 });
    expect(parseThreshold('30d')).toEqual({ days: 30 });
    for (const bad of ['0%', '101%', '-5%', '30', 'a third', '30 days', '']) {
      expect(() => parseThreshold(bad)).toThrow(UsageError);
    }
  });

  it('is due from the moment a third of the lifetime is left, not a second before', () => {
    const third = parseThreshold('33.3333333333%');
    const dueFrom = new Date(notAfter.getTime() - (730 * DAY) / 3);
    expect(renewalDue(notBefore, notAfter, third, new Date(dueFrom.getTime() - 1000)).due).toBe(false);
    expect(renewalDue(notBefore, notAfter, third, dueFrom)).toMatchObject({ due: true, daysLeft: 243 });
  });

  it('with 100% it is due at once (how the e2e test renews a certificate issued a second ago)', () => {
    expect(renewalDue(notBefore, notAfter, { fraction: 1 }, notBefore).due).toBe(true);
  });

  it('in days: due 30 days before notAfter', () => {
    const due = renewalDue(notBefore, notAfter, { days: 30 }, new Date(notAfter.getTime() - 31 * DAY));
    expect(due).toMatchObject({ due: false, daysLeft: 31 });
    expect(due.dueFrom.toISOString()).toBe(new Date(notAfter.getTime() - 30 * DAY).toISOString());
  });
});
