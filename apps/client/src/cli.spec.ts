import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from './client-config';
import { cli, scratch } from './test-support/harness';
import { closedPort, offlinePackage, packageFile } from './test-support/package-file';

// Every service of this package is on a closed port: nothing here needs one (the CA chain that
// init fetches, and the commands against the real API, are in e2e/test/client.e2e-spec.ts).
let offline: ClientConfig;
const files = scratch();
beforeAll(async () => {
  offline = await offlinePackage();
});
afterAll(() => {
  files.cleanup();
});

let n = 0;
const freshHome = (): string => files.path(`home-${++n}`);

describe('enroll, the command line', () => {
  it('documents its exit codes in --help and exits 0', async () => {
    const result = await cli(freshHome(), ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 .*\n {2}2 .*usage.*\n {2}3 .*reached/);
    for (const command of ['init', 'info', 'submit', 'status', 'get', 'test', 'subject', 'external', 'revoke', 'log']) {
      expect(result.stdout).toContain(`  ${command}`);
    }
  });

  it.each([
    [['frobnicate']],
    [['submit', '--locality', 'Paris']],
    [['revoke', '--reason', 'boredom']],
    [['subject', 'twelve']],
    [[]],
  ])('exits 2 on a usage error: %j', async (argv) => {
    const result = await cli(freshHome(), argv);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toBe('');
  });

  it('exits 2 and says to run init when no package is loaded, in --json too', async () => {
    const result = await cli(freshHome(), ['status', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/run `enroll init <package file>` first/);
    expect(result.json()).toEqual({ error: expect.objectContaining({ code: 'NOT_INITIALIZED', exitCode: 2 }) });
  });

  it('refuses an invalid package file with every problem listed (exit 2), and a missing one', async () => {
    const home = freshHome();
    const bad = files.write(
      'bad-package.json',
      JSON.stringify({ ...offline, store: 'system', urls: { ...offline.urls, test: 'http://x/test' } }),
    );
    const result = await cli(home, ['init', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/store must be "machine" or "user"[\s\S]*urls.test must be an https:\/\/ URL/);
    expect(existsSync(join(home, 'client.json'))).toBe(false);
    expect((await cli(home, ['init', 'nowhere.json'])).stderr).toMatch(/nowhere.json does not exist/);
  });

  it('loads a package while its service is down, keeps the token private, and shows the URLs', async () => {
    const home = freshHome();
    const result = await cli(home, ['init', files.write('package.json', JSON.stringify(offline))]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/The enrollment package has been loaded/);
    expect(result.stderr).toMatch(
      /Warning: Cannot reach .*\/pki\/ca.pem: connection refused .* The CA chain will be fetched again on first use\./,
    );
    expect(statSync(join(home, 'client.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(home, 'ca.pem'))).toBe(false);

    const info = await cli(home, ['info']);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/Environment +Production/);
    expect(info.stdout).toContain(offline.urls.test);
    expect(info.stdout).toContain(join(home, 'machine-store'));
    expect(info.stdout).not.toContain(offline.token);
    const json = (await cli(home, ['info', '--json'])).json<{ urls: { revoke: string }; token?: string }>();
    expect(json.urls.revoke).toBe(offline.urls.revoke);
    expect(json.token).toBeUndefined();
  });

  it('refuses to replace another loaded package without --force', async () => {
    const home = freshHome();
    expect((await cli(home, ['init', files.write('a.json', JSON.stringify(offline))])).code).toBe(0);
    const other = files.write(
      'b.json',
      JSON.stringify({ ...offline, packageId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect((await cli(home, ['init', other])).code).toBe(2);
    expect((await cli(home, ['init', other, '--force'])).code).toBe(0);
  });

  it('explains a network failure in one line naming the URL, with exit 3', async () => {
    const home = freshHome();
    const base = `http://127.0.0.1:${await closedPort()}`;
    const init = await cli(home, [
      'init',
      files.write('offline.json', JSON.stringify(packageFile(base, 'https://127.0.0.1:9'))),
    ]);
    expect(init.code).toBe(0);
    expect(init.stderr).toContain(`Warning: Cannot reach ${base}/pki/ca.pem: connection refused`);
    const result = await cli(home, ['status']);
    expect(result.code).toBe(3);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('Error')),
    ).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Error: Cannot reach ${base}/api/v1/enrollment/requests\\?limit=100&requestedBy=.*: connection refused .*\\(ECONNREFUSED\\)\\.$`,
        ),
      ),
    ]);
  });

  it('keeps an event log that `enroll log` shows', async () => {
    const home = freshHome();
    await cli(home, ['init', files.write('log.json', JSON.stringify(offline))]);
    const log = await cli(home, ['log']);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/Date \(UTC\) +Command +Event +Request Id +Details/);
    expect(log.stdout).toMatch(/init +package-loaded/);
    expect(log.stdout).toMatch(/init +ok .*exit code 0/);
    expect((await cli(home, ['log', '--json'])).json<{ events: unknown[] }>().events.length).toBeGreaterThanOrEqual(3);
  });
});
