import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrivateKey } from '@enroll/pki';
import { installCertificate } from '../cert-store';
import { saveCaChain, saveConfig } from '../config-store';
import { deviceFingerprint } from '../fingerprint';
import { privateKeyToPem } from '../own-csr';
import { clientPaths, storeFolder } from '../paths';
import { saveRecord } from '../request-records';
import { cli, DEVICE, REQUESTER, scratch } from '../test-support/harness';
import { offlinePackage } from '../test-support/package-file';
import { issueFor, makeTestCa } from '../test-support/test-ca';

/**
 * `enroll subject` and the clipboard: copied with the desktop's tool (an `xclip` on the PATH that
 * keeps what it is given), or, on a server or when the tool fails, a warning that says why; the
 * subject is printed either way and the command succeeds.
 */
describe('enroll subject and the clipboard', () => {
  const files = scratch();
  const home = files.path('home');
  const bin = files.path('bin');
  const paths = clientPaths({ ENROLL_HOME: home, ENROLL_MACHINE_STORE: join(home, 'machine-store') }, home);
  const subject = (env: Record<string, string>, ...extra: string[]) =>
    cli(home, ['subject', '--format', 'windows', ...extra], {
      env: { ...env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
  const fakeXclip = (script: string): void => {
    writeFileSync(join(bin, 'xclip'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, 'xclip'), 0o755);
  };

  beforeAll(async () => {
    mkdirSync(bin);
    const config = await offlinePackage();
    const ca = await makeTestCa();
    await saveConfig(paths, config);
    await saveCaChain(paths, ca.chainPem);
    const key = await generatePrivateKey('EC-P256');
    const commonName = deviceFingerprint(DEVICE);
    const issued = await issueFor(ca, 'workstation', key, { commonName, organizationCode: 'J1CFRA', country: 'FR' });
    const installed = await installCertificate({
      storeDir: storeFolder(paths, 'machine'),
      store: 'machine',
      requestId: 1,
      keyPem: privateKeyToPem(key),
      leaf: issued.der,
      chain: [ca.issuing.der, ca.root.der],
      friendlyName: 'unit test',
    });
    await saveRecord(paths, {
      id: 1,
      packageId: config.packageId,
      kind: 'workstation',
      commonName,
      submittedAt: new Date().toISOString(),
      requestedBy: REQUESTER,
      installed: {
        at: new Date().toISOString(),
        store: 'machine',
        folder: installed.folder,
        serialNumber: issued.serialNumber,
        notAfter: new X509Certificate(issued.der).validTo,
      },
    });
  });
  afterAll(() => {
    files.cleanup();
  });

  it('copies with the desktop tool and says so', async () => {
    fakeXclip(`cat > '${files.path('clipboard.txt')}'`);
    const result = await subject({ DISPLAY: ':0' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Copied to the clipboard (Windows style)...');
    expect(readFileSync(files.path('clipboard.txt'), 'utf8')).toBe(result.stdout.trim());
  });

  it('says why not on a server, with no desktop session, and still succeeds', async () => {
    const result = await subject({}, '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'Warning: the subject (Windows style) was not copied to the clipboard: there is no desktop session here (neither DISPLAY nor WAYLAND_DISPLAY is set), as on a server. Copy it from above, or pass --no-clipboard.',
    );
    expect(result.json()).toMatchObject({
      copiedToClipboard: false,
      clipboardError: expect.stringContaining('no desktop'),
    });
  });

  it('says so when the tool fails, and nothing with --no-clipboard', async () => {
    fakeXclip('exit 1');
    const failed = await subject({ DISPLAY: ':0' });
    expect(failed.code).toBe(0);
    expect(failed.stderr).toMatch(
      /Warning: the subject \(Windows style\) was not copied to the clipboard: .*xclip failed \(exit code 1\)/,
    );
    const quiet = await subject({ DISPLAY: ':0' }, '--no-clipboard');
    expect(quiet.stderr).not.toContain('clipboard');
  });
});
