import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toPem, type CertificateAuthority } from '@enroll/pki';
import { startContractApi } from '../test-support/contract-api';
import { cli, REQUESTER, scratch } from '../test-support/harness';
import { closedPort, packageFile } from '../test-support/package-file';
import { makeTestCa } from '../test-support/test-ca';

/**
 * The trust bootstrap (issue 13): a package file that names its root CA's SHA-256 makes `init`
 * (and any later first fetch) accept only a CA chain that ends with that root, each certificate
 * signed by the next, as `step ca bootstrap --fingerprint` does. The chain is served over plain
 * HTTP here, as a man in the middle would serve another one.
 */
describe('enroll init with the root fingerprint of the package file', () => {
  const files = scratch();
  let ca: CertificateAuthority;
  let other: CertificateAuthority;
  let mtls: string;
  let n = 0;
  const sha256 = (der: Buffer): string => createHash('sha256').update(der).digest('hex').toUpperCase();
  const colons = (hex: string): string => hex.match(/../g)?.join(':') ?? '';

  const init = async (served: string, caFingerprint: string | undefined) => {
    const server = await startContractApi(served);
    try {
      const folder = files.path(`home-${++n}`);
      const config = packageFile(server.url, mtls, caFingerprint === undefined ? {} : { caFingerprint });
      const result = await cli(folder, ['init', files.write(`package-${n}.json`, JSON.stringify(config))]);
      const get = await cli(folder, ['get', '--requested-by', REQUESTER]);
      return { result, get, saved: existsSync(join(folder, 'ca.pem')) };
    } finally {
      await server.close();
    }
  };

  beforeAll(async () => {
    [ca, other] = await Promise.all([makeTestCa(), makeTestCa()]);
    mtls = `https://127.0.0.1:${await closedPort()}`;
  });
  afterAll(() => {
    files.cleanup();
  });

  it('saves the chain whose root has the fingerprint (with or without colons) and says so', async () => {
    const { result, get, saved } = await init(ca.chainPem, colons(sha256(ca.root.der)));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('CA chain saved: its root is the one the package file names.');
    expect(saved).toBe(true);
    expect(get.code).toBe(0);
    expect((await init(ca.chainPem, sha256(ca.root.der).toLowerCase())).saved).toBe(true);
  });

  it('refuses another CA (exit 1) and saves nothing, at init and at the next command', async () => {
    const { result, get, saved } = await init(other.chainPem, sha256(ca.root.der));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Error: The CA chain from http:\/\/127\.0\.0\.1:\d+\/pki\/ca\.pem does not end with the root CA of the package file/,
    );
    expect(get.code).toBe(1);
    expect(get.stderr).toContain('does not end with the root CA of the package file');
    expect(saved).toBe(false);
  });

  it("refuses the right root under another CA's issuing certificate", async () => {
    const forged = [toPem('CERTIFICATE', other.issuing.der), toPem('CERTIFICATE', ca.root.der)].join('');
    const { result, saved } = await init(forged, sha256(ca.root.der));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not one chain up to the package');
    expect(saved).toBe(false);
  });

  it('refuses a malformed fingerprint in the package file (exit 2)', async () => {
    const { result } = await init(ca.chainPem, 'AB:CD');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("caFingerprint must be the root CA certificate's SHA-256 in hex");
  });
});
