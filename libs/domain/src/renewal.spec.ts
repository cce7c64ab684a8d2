import { renewalRefusal, type RenewalFacts } from './renewal';

const ok: RenewalFacts = {
  current: { kind: 'workstation', status: 'Installed', commonName: '40B0343FA07D' },
  packageEnabled: true,
  packageKinds: ['workstation', 'server'],
  sameKeyAllowed: false,
  newCommonName: '40B0343FA07D',
  sameKey: false,
  keyCompromised: false,
};

describe('renewal rules', () => {
  it('let a current device certificate with its subject and a new key renew', () => {
    expect(renewalRefusal(ok)).toBeUndefined();
    expect(
      renewalRefusal({ ...ok, current: { kind: 'workstation', status: 'Approved', commonName: '40B0343FA07D' } }),
    ).toBeUndefined();
  });

  it.each<[string, Partial<RenewalFacts>, string]>([
    ['a certificate no request carries', { current: undefined }, 'NOT_A_DEVICE_CERTIFICATE'],
    [
      'an external server certificate',
      { current: { kind: 'external', status: 'Downloaded', commonName: 'a.example' } },
      'RENEWAL_NOT_ALLOWED',
    ],
    [
      'a revoked request',
      { current: { kind: 'workstation', status: 'Revoked', commonName: '40B0343FA07D' } },
      'RENEWAL_NOT_ALLOWED',
    ],
    ['a disabled package', { packageEnabled: false }, 'PACKAGE_DISABLED'],
    ['a package that no longer allows the kind', { packageKinds: ['server'] }, 'KIND_NOT_ALLOWED'],
    ['another CN', { newCommonName: '40B0343FA07E' }, 'RENEWAL_SUBJECT_CHANGED'],
    ['a device CN in other case', { newCommonName: '40b0343fa07d' }, 'RENEWAL_SUBJECT_CHANGED'],
    ['the same key when the package wants a new one', { sameKey: true }, 'RENEWAL_SAME_KEY'],
    ['a compromised key', { keyCompromised: true }, 'KEY_COMPROMISED'],
  ])('refuse %s', (_name, change, code) => {
    const refusal = renewalRefusal({ ...ok, ...change });
    expect(refusal?.code).toBe(code);
    expect(refusal?.reason.length).toBeGreaterThan(20);
  });

  it('compare DNS names without case, and allow the same key when the package says so', () => {
    const server = {
      ...ok,
      current: { kind: 'server' as const, status: 'Installed' as const, commonName: 'API.example.org' },
    };
    expect(renewalRefusal({ ...server, newCommonName: 'api.EXAMPLE.org' })).toBeUndefined();
    expect(renewalRefusal({ ...ok, sameKey: true, sameKeyAllowed: true })).toBeUndefined();
  });
});
