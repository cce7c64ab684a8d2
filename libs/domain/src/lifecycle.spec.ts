import {
  REQUEST_KINDS,
  REQUEST_STATUSES,
  transition,
  isDomainError,
  allowedFrom,
  type RequestAction,
  type RequestKind,
  type RequestStatus,
} from './index';

// The whole table, written out by hand from docs/design.md ("Request lifecycle"): every pair not listed must be refused.
const ALLOWED: readonly [RequestStatus, RequestAction, RequestStatus, RequestKind[]?][] = [
  ['Requested', 'accept', 'Pending'],
  ['Requested', 'refuse', 'Rejected'],
  ['Requested', 'reject', 'Rejected'],
  ['Requested', 'cancel', 'Cancelled'],
  ['Pending', 'approve', 'Approved'],
  ['Pending', 'reject', 'Rejected'],
  ['Pending', 'cancel', 'Cancelled'],
  ['Approved', 'install', 'Installed', ['workstation', 'server', 'mobile']],
  ['Approved', 'download', 'Downloaded', ['external']],
  ['Approved', 'revoke', 'Revoked'],
  ['Installed', 'revoke', 'Revoked'],
  ['Downloaded', 'revoke', 'Revoked'],
];
const ACTIONS: readonly RequestAction[] = [
  'accept',
  'refuse',
  'approve',
  'reject',
  'cancel',
  'install',
  'download',
  'revoke',
];

describe('request lifecycle', () => {
  const cases = REQUEST_KINDS.flatMap((kind) =>
    REQUEST_STATUSES.flatMap((status) => ACTIONS.map((action) => [kind, status, action] as const)),
  );

  it.each(cases)('%s: %s --%s-->', (kind, status, action) => {
    const rule = ALLOWED.find(
      ([from, act, , kinds]) => from === status && act === action && (kinds ?? REQUEST_KINDS).includes(kind),
    );
    if (rule) {
      expect(transition(status, action, kind)).toBe(rule[2]);
      expect(allowedFrom(action, kind)).toContain(status);
    } else {
      let error: unknown;
      try {
        transition(status, action, kind);
      } catch (e) {
        error = e;
      }
      expect(isDomainError(error) && error.code).toBe('INVALID_TRANSITION');
      expect(isDomainError(error) && error.details.currentStatus).toBe(status);
      expect(allowedFrom(action, kind)).not.toContain(status);
    }
  });

  it('has exactly the transitions of the design, no more', () => {
    const allowedCount = cases.filter(([kind, status, action]) => allowedFrom(action, kind).includes(status)).length;
    const expected = ALLOWED.reduce((n, [, , , kinds]) => n + (kinds ?? REQUEST_KINDS).length, 0);
    expect(allowedCount).toBe(expected);
  });

  it('says which state the request is in when it refuses', () => {
    expect(() => transition('Revoked', 'approve', 'server')).toThrow(
      'A server request in state Revoked cannot be approved.',
    );
  });
});
