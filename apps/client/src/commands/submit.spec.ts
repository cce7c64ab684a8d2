import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from '../client-config';
import { UsageError } from '../errors';
import { deviceFingerprint } from '../fingerprint';
import { cli, DEVICE, REQUESTER, scratch } from '../test-support/harness';
import { offlinePackage } from '../test-support/package-file';
import { commonNameFor } from './submit';

/**
 * What `enroll submit` refuses before it makes a key or sends anything (the package's services
 * are on a closed port: a call would end with exit 3). Submission against the real API:
 * e2e/test/client.e2e-spec.ts.
 */
let config: ClientConfig;
const files = scratch();
const SUBMIT = [
  'submit',
  '--locality',
  'Paris',
  '--state',
  'Ile-de-France',
  '--email',
  'alice@laposte.example',
  '--phone',
  '+33 1 23 45 67 89',
  '--requested-by',
  REQUESTER,
  '--description',
  'x',
];

beforeAll(async () => {
  config = await offlinePackage();
});
afterAll(() => {
  files.cleanup();
});

describe('commonNameFor', () => {
  it('names a workstation by its fingerprint, a server by the name typed or its FQDN, a mobile by the name typed or its fingerprint', () => {
    expect(commonNameFor('workstation', undefined, DEVICE)).toBe(deviceFingerprint(DEVICE));
    expect(() => commonNameFor('workstation', 'pc.example.org', DEVICE)).toThrow(UsageError);
    expect(commonNameFor('server', undefined, DEVICE)).toBe('ws-0042.corp.example.org');
    expect(commonNameFor('server', 'api.laposte.example', DEVICE)).toBe('api.laposte.example');
    expect(commonNameFor('mobile', undefined, DEVICE)).toBe(deviceFingerprint(DEVICE));
    expect(commonNameFor('mobile', 'IPHONE-17', DEVICE)).toBe('IPHONE-17');
  });
});

describe('enroll submit, before sending', () => {
  it('refuses a --cn for a workstation, whose name is its fingerprint (exit 2), and keeps no key', async () => {
    const home = files.path('home-1');
    await cli(home, ['init', files.write('package.json', JSON.stringify(config))]);
    const result = await cli(home, [...SUBMIT, '--cn', 'pc.example.org']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Error: A workstation is named by its device fingerprint: --cn is for servers and mobile devices.',
    );
    expect(existsSync(join(home, 'requests'))).toBe(false);
  });

  it('refuses a kind the package does not allow, and an empty required option (exit 2)', async () => {
    const home = files.path('home-2');
    await cli(home, ['init', files.write('limited.json', JSON.stringify({ ...config, kinds: ['workstation'] }))]);
    const server = await cli(home, [...SUBMIT, '--kind', 'server', '--cn', 'api.laposte.example']);
    expect(server.code).toBe(2);
    expect(server.stderr).toMatch(/does not allow server requests \(it allows workstation\)/);
    const blank = await cli(home, [...SUBMIT.slice(0, -1), ' ']);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('--description must not be empty.');
  });
});
