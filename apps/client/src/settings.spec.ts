import { writeFileSync, mkdirSync } from 'node:fs';
import { UsageError } from './errors';
import { clientPaths } from './paths';
import { loadSettings, settingsFile } from './settings';
import { scratch } from './test-support/harness';

describe('settings.json of the client folder', () => {
  const files = scratch();
  const paths = clientPaths({ ENROLL_HOME: files.path('home') }, files.dir);
  mkdirSync(paths.home);
  afterAll(() => files.cleanup());

  it('is optional; the environment overrides the file', async () => {
    expect(await loadSettings(paths, {})).toEqual({});
    writeFileSync(
      settingsFile(paths),
      JSON.stringify({ exec: 'systemctl reload nginx', renewWhenRemaining: '20%', keyGraceDays: 3 }),
    );
    expect(await loadSettings(paths, {})).toEqual({
      exec: 'systemctl reload nginx',
      renewWhenRemaining: '20%',
      keyGraceDays: 3,
    });
    expect(await loadSettings(paths, { ENROLL_EXEC: 'true', ENROLL_RENEW_WHEN_REMAINING: '30d' })).toEqual({
      exec: 'true',
      renewWhenRemaining: '30d',
      keyGraceDays: 3,
    });
  });

  it('names the field that is wrong', async () => {
    writeFileSync(settingsFile(paths), JSON.stringify({ keyGraceDays: 'two weeks' }));
    await expect(loadSettings(paths, {})).rejects.toThrow(UsageError);
    await expect(loadSettings(paths, {})).rejects.toThrow(/keyGraceDays/);
    writeFileSync(settingsFile(paths), JSON.stringify({ browserStore: 'no' }));
    await expect(loadSettings(paths, {})).rejects.toThrow(/"browserStore" must be true or false/);
    writeFileSync(settingsFile(paths), JSON.stringify({ browserStore: false }));
    expect(await loadSettings(paths, {})).toEqual({ browserStore: false });
    writeFileSync(settingsFile(paths), JSON.stringify({ keyGroup: 42 }));
    await expect(loadSettings(paths, {})).rejects.toThrow(/"keyGroup" must be a group name/);
    writeFileSync(settingsFile(paths), JSON.stringify({ keyGroup: ' www-data ' }));
    expect(await loadSettings(paths, {})).toEqual({ keyGroup: 'www-data' });
    writeFileSync(settingsFile(paths), '{ not json');
    await expect(loadSettings(paths, {})).rejects.toThrow(/not a JSON file/);
  });
});
