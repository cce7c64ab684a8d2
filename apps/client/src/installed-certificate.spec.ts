import { X509Certificate } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrivateKey } from '@enroll/pki';
import { installCertificate } from './cert-store';
import { saveCaChain, saveConfig } from './config-store';
import { switchCurrent } from './current-link';
import { privateKeyToPem } from './own-csr';
import { clientPaths, storeFolder } from './paths';
import { saveRecord } from './request-records';
import { cli, REQUESTER, scratch } from './test-support/harness';
import { offlinePackage } from './test-support/package-file';
import { issueFor, makeTestCa } from './test-support/test-ca';

/**
 * The certificate in use after the package was replaced (`init --force`), and a key that is gone
 * (issue 13). The services are on a closed port: a check that got past "installed" ends unreachable.
 */
describe('finding the installed certificate', () => {
  const files = scratch();
  const home = files.path('home');
  const paths = clientPaths({ ENROLL_HOME: home, ENROLL_MACHINE_STORE: join(home, 'machine-store') }, home);
  const store = storeFolder(paths, 'machine');
  afterAll(() => files.cleanup());

  beforeAll(async () => {
    const replaced = await offlinePackage();
    const ca = await makeTestCa();
    const key = await generatePrivateKey('EC-P256');
    const issued = await issueFor(ca, 'workstation', key, {
      commonName: '0123456789ABCDEF',
      organizationCode: 'J1CFRA',
      country: 'FR',
    });
    const installed = await installCertificate({
      storeDir: store,
      store: 'machine',
      requestId: 7,
      keyPem: privateKeyToPem(key),
      leaf: issued.der,
      chain: [ca.issuing.der, ca.root.der],
      friendlyName: 'unit test',
    });
    await switchCurrent(store, installed.folder, 'linux');
    await saveRecord(paths, {
      id: 7,
      packageId: replaced.packageId,
      kind: 'workstation',
      commonName: '0123456789ABCDEF',
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
    // The replacement package (another id) is what is loaded now.
    await saveConfig(paths, await offlinePackage({ packageId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }));
    await saveCaChain(paths, ca.chainPem);
  });

  it("after init --force with a replacement package, uses the store's current certificate of the replaced one", async () => {
    const result = await cli(home, ['test', '--json']);
    expect(result.json()).toMatchObject({ ok: false, check: 'unreachable', requestId: 7 });
  });

  it('says a certificate whose key is gone cannot be repaired by `enroll get`', async () => {
    rmSync(join(store, 'request-7', 'key.pem'));
    const result = await cli(home, ['test']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /The private key of request Id 7 is gone from this device .* Submit a new request with `enroll submit`\./,
    );
  });
});
