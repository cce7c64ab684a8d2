import { ConfigError, loadConfig } from './app-config';

describe('ENROLL_TRUST_PROXY', () => {
  it('trusts no proxy by default', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ ENROLL_TRUST_PROXY: 'none' }).trustProxy).toEqual([]);
  });

  it('takes addresses, CIDRs and proxy-addr keywords', () => {
    expect(loadConfig({ ENROLL_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      'fd00::/8',
      'loopback',
    ]);
  });

  it.each(['everything', '10.0.0.0/33', '10.0.0/8', '::1/129', '1.2.3.4/8/9', 'true'])('refuses %s', (value) => {
    expect(() => loadConfig({ ENROLL_TRUST_PROXY: value })).toThrow(ConfigError);
  });
});

describe('ENROLL_MANAGER_SIGN_IN', () => {
  it('is password by default and takes the three modes only', () => {
    expect(loadConfig({}).managerSignIn).toBe('password');
    expect(loadConfig({ ENROLL_MANAGER_SIGN_IN: 'certificate' }).managerSignIn).toBe('certificate');
    expect(() => loadConfig({ ENROLL_MANAGER_SIGN_IN: 'none' })).toThrow(ConfigError);
  });
});
