import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceCertificateProblemCode } from '@enroll/contract';
import { generatePrivateKey, type CertificateAuthority } from '@enroll/pki';
import { installCertificate } from '../cert-store';
import type { ClientConfig } from '../client-config';
import { saveCaChain, saveConfig } from '../config-store';
import { deviceFingerprint } from '../fingerprint';
import { privateKeyToPem } from '../own-csr';
import { clientPaths, storeFolder } from '../paths';
import { saveRecord } from '../request-records';
import { cli, DEVICE, REQUESTER, scratch, type CliResult } from '../test-support/harness';
import { offlinePackage } from '../test-support/package-file';
import { issueFor, makeTestCa } from '../test-support/test-ca';
import { checkFromProblem, type TestCheck } from './test';

describe('checkFromProblem', () => {
  it.each<[DeviceCertificateProblemCode, TestCheck]>([
    ['CERTIFICATE_REVOKED', 'revoked'],
    ['CERTIFICATE_EXPIRED', 'expired'],
    ['CERTIFICATE_NOT_YET_VALID', 'not-yet-valid'],
    ['UNKNOWN_ISSUER', 'unknown-issuer'],
    ['UNKNOWN_CERTIFICATE', 'refused'],
    ['CERTIFICATE_REQUIRED', 'refused'],
  ])('names the check of the device strategy code %s: %s', (code, check) => {
    expect(
      checkFromProblem({ status: 401, code, title: 'Unauthorized', detail: 'whatever the wording of the day' }),
    ).toBe(check);
  });

  it('goes by the code alone: text that mentions a check, or an unknown code, is a plain refusal', () => {
    expect(
      checkFromProblem({
        status: 403,
        code: 'PACKAGE_DISABLED',
        detail: 'The certificate was revoked and has expired.',
      }),
    ).toBe('refused');
    expect(checkFromProblem({ status: 403, title: 'Forbidden', detail: 'certificate revoked' })).toBe('refused');
    expect(checkFromProblem({ status: 502, title: 'Bad Gateway' })).toBe('refused');
    expect(checkFromProblem({ status: 403, code: 'toString' })).toBe('refused');
  });
});

/**
 * `enroll test` with a certificate installed by the client's own store code, issued by a CA made
 * here. The package's test service is on a closed port: a check that passed locally would end
 * `unreachable` (exit 3), so every other verdict below was reached without calling the service.
 */
describe('enroll test, before it calls the service', () => {
  const files = scratch();
  const home = files.path('home');
  const paths = clientPaths({ ENROLL_HOME: home, ENROLL_MACHINE_STORE: join(home, 'machine-store') }, home);
  const folder = join(storeFolder(paths, 'machine'), 'request-1');
  let config: ClientConfig;
  let ca: CertificateAuthority;
  let certificate: X509Certificate;
  const enroll = (argv: readonly string[], now?: Date): Promise<CliResult> =>
    cli(home, argv, now ? { now: () => now } : {});

  beforeAll(async () => {
    config = await offlinePackage();
    ca = await makeTestCa();
    await saveConfig(paths, config);
    await saveCaChain(paths, ca.chainPem);
    const key = await generatePrivateKey('EC-P256');
    const commonName = deviceFingerprint(DEVICE);
    const issued = await issueFor(ca, 'workstation', key, { commonName, organizationCode: 'J1CFRA', country: 'FR' });
    certificate = new X509Certificate(issued.der);
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
        notAfter: certificate.validTo,
      },
    });
  });
  afterAll(() => {
    files.cleanup();
  });

  it('says when nothing is installed', async () => {
    const other = files.path('none');
    await saveConfig(clientPaths({ ENROLL_HOME: other }, other), config);
    const none = await cli(other, ['test']);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^Test failed \(none-installed\): No certificate is installed on this device/);
  });

  it('reports an expired certificate by the local clock', async () => {
    const expired = await enroll(['test', '--json'], new Date(new Date(certificate.validTo).getTime() + 86_400_000));
    expect(expired.code).toBe(1);
    expect(expired.json()).toMatchObject({ ok: false, check: 'expired', requestId: 1 });
  });

  it('reports a certificate not valid yet, naming the clock', async () => {
    const early = await enroll(['test'], new Date(new Date(certificate.validFrom).getTime() - 3_600_000));
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(
      /^Test failed \(not-yet-valid\): The installed certificate \(request Id 1\) is not valid before .*: check this device's clock\./,
    );
  });

  it('reports a key that does not match the certificate', async () => {
    const keyFile = join(folder, 'key.pem');
    const key = readFileSync(keyFile, 'utf8');
    writeFileSync(
      keyFile,
      generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const mismatch = await enroll(['test']);
    writeFileSync(keyFile, key);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toMatch(/^Test failed \(key-mismatch\): The installed key and certificate do not match/);
  });

  it('reports a certificate that the saved CA chain did not issue', async () => {
    const chain = readFileSync(paths.caChainFile, 'utf8');
    writeFileSync(paths.caChainFile, (await makeTestCa()).chainPem);
    const unknown = await enroll(['test']);
    writeFileSync(paths.caChainFile, chain);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/^Test failed \(unknown-issuer\): .*not issued by the CA chain/);
  });

  it('says when the test service is unreachable, with exit 3, once the local checks pass', async () => {
    const result = await enroll(['test']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(
      `Test failed (unreachable): Cannot reach ${config.urls.test}: connection refused (is the service running and the port right?) (ECONNREFUSED).\n`,
    );
  });
});
