import { lstatSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { currentFiles, currentRequestId, switchCurrent } from './current-link';
import { scratch } from './test-support/harness';

describe('the current entry of a store', () => {
  const files = scratch();
  afterAll(() => files.cleanup());

  it('is a relative link switched in one rename; the previous folder stays; readers see the new pair', async () => {
    const store = files.path('store');
    for (const id of [3, 9]) {
      await mkdir(join(store, `request-${id}`), { recursive: true });
      writeFileSync(join(store, `request-${id}`, 'cert.pem'), `certificate ${id}`);
    }
    expect(await currentRequestId(store)).toBeUndefined();
    await switchCurrent(store, join(store, 'request-3'), 'linux');
    expect(readFileSync(currentFiles(store).certificate, 'utf8')).toBe('certificate 3');
    await switchCurrent(store, join(store, 'request-9'), 'linux');
    expect(lstatSync(join(store, 'current')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(store, 'current'))).toBe('request-9');
    expect(await currentRequestId(store)).toBe(9);
    expect(readFileSync(currentFiles(store).certificate, 'utf8')).toBe('certificate 9');
    expect(readFileSync(join(store, 'request-3', 'cert.pem'), 'utf8')).toBe('certificate 3');
  });
});
