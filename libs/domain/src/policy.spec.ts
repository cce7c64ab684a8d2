import { enrollmentTypeFor, evaluateSubmission, organizationalUnitFor, isApiRevocationReason } from './index';

describe('submission policy', () => {
  const base = { kind: 'workstation' as const, packageKinds: ['workstation' as const], keyCompromised: false };

  it('accepts a request the package allows', () => {
    expect(evaluateSubmission(base)).toEqual({ action: 'accept' });
  });

  it('refuses a kind the package does not allow', () => {
    expect(evaluateSubmission({ ...base, kind: 'server' })).toEqual({
      action: 'refuse',
      reason: 'The enrollment package does not allow server requests.',
    });
  });

  it('refuses a key revoked for compromise', () => {
    expect(evaluateSubmission({ ...base, keyCompromised: true })).toMatchObject({
      action: 'refuse',
      reason: expect.stringContaining('key compromise'),
    });
  });

  it('refuses an external request with the wrong usages, with the reason given', () => {
    const facts = {
      kind: 'external' as const,
      packageKinds: ['external' as const],
      keyCompromised: false,
      usageProblem: 'needs serverAuth',
    };
    expect(evaluateSubmission(facts)).toEqual({ action: 'refuse', reason: 'needs serverAuth' });
    expect(evaluateSubmission({ ...facts, kind: 'workstation', packageKinds: ['workstation'] })).toEqual({
      action: 'accept',
    });
  });
});

describe('kinds', () => {
  it('maps kind and store to the enrollment type', () => {
    expect(enrollmentTypeFor('workstation', 'machine')).toBe('Machine');
    expect(enrollmentTypeFor('server', 'user')).toBe('User');
    expect(enrollmentTypeFor('external', 'machine')).toBe('External');
  });

  it('gives each kind its OU', () => {
    expect(
      ['workstation', 'server', 'external', 'mobile'].map((k) => organizationalUnitFor(k as 'workstation')),
    ).toEqual(['Workstation', 'Server', 'Server', 'Mobile']);
  });

  it('knows the API revocation reasons', () => {
    expect(isApiRevocationReason('keyCompromise')).toBe(true);
    expect(isApiRevocationReason('cACompromise')).toBe(false);
  });
});
