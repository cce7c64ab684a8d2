import type { ClientConfig } from '../client-config';
import { saveCaChain, saveConfig } from '../config-store';
import { clientPaths } from '../paths';
import { startContractApi, wireRequest, type ContractApi } from '../test-support/contract-api';
import { cli, REQUESTER, scratch } from '../test-support/harness';
import { closedPort, packageFile } from '../test-support/package-file';
import { makeTestCa } from '../test-support/test-ca';

/** `enroll status` and `enroll log` fit their tables to the terminal ($COLUMNS here), and keep whole lines in a pipe. */
describe('tables fitted to the terminal', () => {
  const files = scratch();
  let api: ContractApi;
  let config: ClientConfig;
  let folder: string;
  const widest = (text: string): number => Math.max(...text.split('\n').map((line) => line.length));

  beforeAll(async () => {
    const caChain = (await makeTestCa()).chainPem;
    api = await startContractApi(caChain);
    config = packageFile(api.url, `https://127.0.0.1:${await closedPort()}`);
    folder = files.path('home');
    const paths = clientPaths({ ENROLL_HOME: folder }, folder);
    await saveConfig(paths, config);
    await saveCaChain(paths, caChain);
    api.requests.push(
      wireRequest(3, 'Pending', { kind: 'server', commonName: 'a-rather-long-host-name.apps.laposte.example' }),
      wireRequest(4, 'Downloaded', {
        kind: 'external',
        commonName: 'api.laposte.example',
        enrollmentType: 'External',
        downloadedAt: '2026-11-25T17:45:30Z',
        downloadedBy: REQUESTER,
      }),
    );
  });
  afterAll(async () => {
    await api.close();
    files.cleanup();
  });

  it('status: within 80 columns with the Kind column; whole lines without a terminal', async () => {
    const fitted = await cli(folder, ['status', '--requested-by', REQUESTER], { env: { COLUMNS: '80' } });
    expect(fitted.code).toBe(0);
    expect(widest(fitted.stdout)).toBeLessThanOrEqual(80);
    expect(fitted.stdout.split('\n')[0]).toMatch(/ Kind$/);
    // Dates, states and kinds kept whole; the names cut; the optional columns (download, enrollment type) left out.
    expect(fitted.stdout.split('\n').slice(2, 4)).toEqual([
      '         4  Downloaded  api.laposte.…  2026-11-02 09:30  WS-0042\\alice  external',
      '         3  Pending     a-rather-lon…  2026-11-02 09:30  WS-0042\\alice  server',
    ]);
    const piped = await cli(folder, ['status', '--requested-by', REQUESTER]);
    expect(piped.stdout).toContain('a-rather-long-host-name.apps.laposte.example');
    expect(widest(piped.stdout)).toBeGreaterThan(140);
  });

  it('log: the details are cut to the width, not the dates', async () => {
    const log = await cli(folder, ['log'], { env: { COLUMNS: '60' } });
    expect(log.code).toBe(0);
    expect(widest(log.stdout)).toBeLessThanOrEqual(60);
    expect(log.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d {2}status .*…$/m);
  });
});
