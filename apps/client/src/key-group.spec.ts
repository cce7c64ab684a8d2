import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrivateKey } from '@enroll/pki';
import { installCertificate } from './cert-store';
import { resolveKeyGroup } from './key-group';
import { privateKeyToPem } from './own-csr';
import { scratch } from './test-support/harness';
import { issueFor, makeTestCa } from './test-support/test-ca';

/**
 * A machine store's keys readable by a chosen service group (issue 13): group-owned and 0640 with
 * the `keyGroup` setting, 0600 and root's without it. Changing a file's group to one the process
 * is not in takes root, as installing into a machine store does.
 */
const daemonGid = Number(spawnSync('getent', ['group', 'daemon'], { encoding: 'utf8' }).stdout.split(':')[2]);
const asRoot = process.getuid?.() === 0;

describe('the keyGroup setting', () => {
  const files = scratch();
  afterAll(() => files.cleanup());

  it('resolves a group by name, and refuses one that does not exist or is not a name', () => {
    expect(resolveKeyGroup('daemon')).toEqual({ name: 'daemon', gid: daemonGid });
    expect(() => resolveKeyGroup('no-such-group-enroll')).toThrow(/not a group on this system/);
    expect(() => resolveKeyGroup('../etc')).toThrow(/must be a group name/);
    expect(() => resolveKeyGroup('www-data', 'win32')).toThrow(/icacls/);
  });

  (asRoot ? it : it.skip)(
    'makes the key material group-owned and 0640 in a machine store; 0600 without it',
    async () => {
      const ca = await makeTestCa();
      const key = await generatePrivateKey('EC-P256');
      const issued = await issueFor(ca, 'workstation', key, {
        commonName: '0123456789ABCDEF',
        organizationCode: 'J1CFRA',
        country: 'FR',
      });
      const install = (store: string, requestId: number, withGroup: boolean) =>
        installCertificate({
          storeDir: store,
          store: 'machine',
          requestId,
          keyPem: privateKeyToPem(key),
          leaf: issued.der,
          chain: [ca.issuing.der, ca.root.der],
          friendlyName: 'unit test',
          ...(withGroup ? { keyGroup: resolveKeyGroup('daemon') } : {}),
        });
      const shared = await install(files.path('shared'), 1, true);
      for (const file of [shared.key, shared.pkcs12, shared.pkcs12Password]) {
        expect({ file, mode: statSync(file).mode & 0o777, gid: statSync(file).gid }).toEqual({
          file,
          mode: 0o640,
          gid: daemonGid,
        });
      }
      // The certificates stay readable by all, as in any machine store.
      expect(statSync(shared.certificate).mode & 0o777).toBe(0o644);

      const alone = await install(files.path('alone'), 2, false);
      expect(statSync(alone.key).mode & 0o777).toBe(0o600);
      expect(statSync(alone.key).gid).toBe(process.getgid?.());
      expect(join(alone.folder, 'key.pem')).toBe(alone.key);
    },
  );
});
