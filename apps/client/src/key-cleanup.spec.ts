import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext } from './context';
import { switchCurrent } from './current-link';
import { removeRetiredKeys } from './key-cleanup';
import { requestFolder, storeFolder } from './paths';
import { readRecord, saveRecord, type LocalRequest } from './request-records';
import { scratch } from './test-support/harness';
import { offlinePackage } from './test-support/package-file';

const DAY = 86_400_000;

describe('keys of retired requests', () => {
  const files = scratch();
  afterAll(() => files.cleanup());

  it('are removed after the grace period (superseded, cancelled, rejected), never the current one, certificates kept', async () => {
    const now = new Date('2027-06-01T00:00:00Z');
    const home = files.path('home');
    const sink = { write: (): boolean => true };
    const ctx = createContext(
      {
        env: { ENROLL_HOME: home, ENROLL_MACHINE_STORE: join(home, 'store') },
        stdout: sink,
        stderr: sink,
        now: () => now,
      },
      'get',
      false,
    );
    const config = await offlinePackage();
    const store = storeFolder(ctx.paths, 'machine');
    const ago = (days: number): string => new Date(now.getTime() - days * DAY).toISOString();
    const base = {
      packageId: config.packageId,
      kind: 'server' as const,
      commonName: 'a.example.org',
      keyAlgorithm: 'EC-P256' as const,
      submittedAt: ago(400),
      requestedBy: 'ops',
    };
    const records: LocalRequest[] = [
      {
        ...base,
        id: 1,
        superseded: { at: ago(20), by: 2 },
        installed: {
          at: ago(400),
          store: 'machine',
          folder: join(store, 'request-1'),
          serialNumber: '01',
          notAfter: ago(-30),
        },
      },
      { ...base, id: 2, superseded: { at: ago(3), by: 3 } },
      { ...base, id: 4, retired: { at: ago(15), status: 'Cancelled' } },
      { ...base, id: 5, retired: { at: ago(15), status: 'Rejected' } },
      {
        ...base,
        id: 3,
        installed: {
          at: ago(3),
          store: 'machine',
          folder: join(store, 'request-3'),
          serialNumber: '03',
          notAfter: ago(-360),
        },
      },
    ];
    for (const record of records) {
      await saveRecord(ctx.paths, record);
      writeFileSync(join(requestFolder(ctx.paths, config.packageId, record.id), 'key.pem'), 'key');
      mkdirSync(join(store, `request-${record.id}`), { recursive: true });
      for (const name of ['key.pem', 'cert.pem', 'bundle.p12']) {
        writeFileSync(join(store, `request-${record.id}`, name), name);
      }
    }
    // A hand-made mess: the current entry points at a superseded one; it keeps its key all the same.
    await saveRecord(ctx.paths, { ...base, id: 5, retired: { at: ago(15), status: 'Rejected' } });
    await switchCurrent(store, join(store, 'request-5'), 'linux');

    expect((await removeRetiredKeys(ctx, config, 14)).sort((a, b) => a - b)).toEqual([1, 4]);
    expect(existsSync(join(store, 'request-1', 'key.pem'))).toBe(false);
    expect(existsSync(join(store, 'request-1', 'bundle.p12'))).toBe(false);
    expect(existsSync(join(store, 'request-1', 'cert.pem'))).toBe(true);
    expect(existsSync(join(requestFolder(ctx.paths, config.packageId, 1), 'key.pem'))).toBe(false);
    expect(existsSync(join(requestFolder(ctx.paths, config.packageId, 2), 'key.pem'))).toBe(true); // 3 days: in its grace period
    expect(existsSync(join(store, 'request-5', 'key.pem'))).toBe(true); // current
    expect((await readRecord(ctx.paths, config.packageId, 1))?.keyRemovedAt).toBe(now.toISOString());
    expect(await removeRetiredKeys(ctx, config, 14)).toEqual([]);
  });
});
