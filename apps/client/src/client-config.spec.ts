import { clientConfigProblems, parseClientConfig, type ClientConfig } from './client-config';
import { EXIT, UsageError } from './errors';

/** A valid package file, as the API exports it; tests break one field at a time. */
const valid = (): ClientConfig => ({
  format: 'enroll-client-config/1',
  packageId: '3f1c2a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f',
  organization: { code: 'J1CFRA', name: 'France-LA POSTE', country: 'FR' },
  environment: 'Production',
  store: 'machine',
  kinds: ['workstation', 'server', 'mobile', 'external'],
  urls: {
    api: 'http://localhost:3000',
    request: 'http://localhost:3000/api/v1/enrollment/requests',
    revoke: 'https://localhost:3443/api/v1/enrollment/revoke',
    test: 'https://localhost:3443/api/v1/enrollment/test',
    caChain: 'http://localhost:3000/pki/ca.pem',
  },
  token: 'enr_0123456789abcdefghij',
});

const withField = (path: string, value: unknown): unknown => {
  const config = JSON.parse(JSON.stringify(valid())) as Record<string, Record<string, unknown>>;
  const [head, tail] = path.split('.');
  if (tail === undefined) {
    (config as Record<string, unknown>)[head ?? ''] = value;
  } else {
    (config[head ?? ''] ?? {})[tail] = value;
  }
  return config;
};

describe('client config validation', () => {
  it('accepts the file the API exports', () => {
    expect(clientConfigProblems(valid())).toEqual([]);
    expect(parseClientConfig(`\uFEFF${JSON.stringify(valid())}`, 'pkg.json')).toEqual(valid());
  });

  it('accepts a newer file naming a URL this client does not call (urls.renew), and keeps it', () => {
    const newer = { ...valid(), urls: { ...valid().urls, renew: 'https://localhost:3443/api/v1/enrollment/renew' } };
    expect(clientConfigProblems(newer)).toEqual([]);
    expect(parseClientConfig(JSON.stringify(newer), 'pkg.json')).toEqual(newer);
  });

  it.each<[string, unknown, RegExp]>([
    ['format', 'enroll-client-config/2', /format must be "enroll-client-config\/1"/],
    ['packageId', 'pkg-1', /packageId must be a UUID/],
    ['organization.country', 'fr', /organization.country must be an ISO 3166/],
    ['organization.code', undefined, /organization.code must be .* \(it is missing\)/],
    ['environment', '../etc', /environment must be an environment name/],
    ['store', 'system', /store must be "machine" or "user"/],
    ['kinds', [], /kinds must be a non-empty list/],
    ['kinds', ['workstation', 'laptop'], /unknown kind "laptop"/],
    ['kinds', ['server', 'server'], /kinds lists a kind twice/],
    ['urls.test', 'http://localhost:3443/api/v1/enrollment/test', /urls.test must be an https:\/\/ URL/],
    ['urls.revoke', 'not a url', /urls.revoke is not a valid URL/],
    ['urls.request', 'ftp://localhost/requests', /urls.request must be an http:\/\/ or https:\/\/ URL/],
    ['urls.caChain', undefined, /urls.caChain is missing/],
    ['token', 'short', /token must be the package token/],
  ])('refuses %s = %j', (field, value, message) => {
    const problems = clientConfigProblems(withField(field, value));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('lists every problem at once, as a usage error (exit 2)', () => {
    const broken = { ...valid(), store: 'x', token: '', urls: 'none' };
    let error: unknown;
    try {
      parseClientConfig(JSON.stringify(broken), 'pkg.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(EXIT.usage);
    expect((error as UsageError).message).toMatch(
      /pkg.json is not a valid enrollment package file:\n {2}- store.*\n {2}- urls must be an object.*\n {2}- token/,
    );
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(() => parseClientConfig('{"format":', 'pkg.json')).toThrow(/pkg.json is not a JSON file/);
    expect(clientConfigProblems([])).toEqual(['the file must hold a JSON object']);
  });
});
