import { assertCanDecide, canDecide, decidableKinds, organizationScope, REQUEST_KINDS, type Role } from './index';

describe('who decides what', () => {
  it.each<[Role, string, boolean]>([
    ['manager', 'workstation', true],
    ['manager', 'mobile', true],
    ['manager', 'server', false],
    ['manager', 'external', false],
    ['admin', 'workstation', true],
    ['admin', 'mobile', true],
    ['admin', 'server', true],
    ['admin', 'external', true],
  ])('%s may decide %s: %s', (role, kind, may) => {
    expect(canDecide({ role }, kind as (typeof REQUEST_KINDS)[number])).toBe(may);
    if (may) {
      expect(() => assertCanDecide({ role }, kind as (typeof REQUEST_KINDS)[number])).not.toThrow();
    } else {
      expect(() => assertCanDecide({ role }, kind as (typeof REQUEST_KINDS)[number])).toThrow(
        expect.objectContaining({ code: 'KIND_NOT_DECIDABLE' }),
      );
    }
  });

  it('administrators decide every kind', () => {
    expect([...decidableKinds('admin')].sort()).toEqual([...REQUEST_KINDS].sort());
  });

  it('scopes a manager to its organization, an administrator to none, and a manager without one to nothing', () => {
    expect(organizationScope({ role: 'manager', organizationCode: 'J1CFRA' })).toBe('J1CFRA');
    expect(organizationScope({ role: 'admin' })).toBeUndefined();
    expect(organizationScope({ role: 'manager' })).not.toBeUndefined();
  });
});
