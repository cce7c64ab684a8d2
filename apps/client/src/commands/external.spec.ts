import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from '../client-config';
import { cli, openssl, REQUESTER, scratch, type CliResult } from '../test-support/harness';
import { offlinePackage } from '../test-support/package-file';

/**
 * What `enroll external` refuses before it sends anything. The package's services are on a closed
 * port, so a refusal with exit 1 or 2 was made here (a call would end with exit 3). Submission and
 * download against the real API: e2e/test/client.e2e-spec.ts.
 */
let config: ClientConfig;
const files = scratch();
const home = files.path('home');
const key = files.write(
  'server.key',
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const enroll = (argv: readonly string[]): Promise<CliResult> => cli(home, argv);

function csrFile(name: string, eku: string): string {
  const result = openssl([
    'req',
    '-new',
    '-key',
    key,
    '-subj',
    '/C=FR/O=J1CFRA/CN=api.laposte.example',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment',
    '-addext',
    `extendedKeyUsage=${eku}`,
  ]);
  return files.write(name, result.stdout);
}

const DETAILS = [
  '--mac',
  '00-1a-2b-3c-4d-5e',
  '--nic',
  '{4D36E972-E325-11CE-BFC1-08002BE10318}',
  '--processor-id',
  'BFEBFBFF000906EA',
  '--os-version',
  'Windows Server 2022 (10.0.20348)',
  '--os-type',
  '64',
  '--phone',
  '+33 1 23 45 67 89',
  '--description',
  'Public web front',
  '--requested-by',
  REQUESTER,
];

beforeAll(async () => {
  config = await offlinePackage({ store: 'user' });
  expect((await enroll(['init', files.write('package.json', JSON.stringify(config))])).code).toBe(0);
});
afterAll(() => {
  files.cleanup();
});

describe('enroll external, before sending', () => {
  it('refuses a CSR asking for clientAuth, naming the expected usage (exit 1)', async () => {
    const result = await enroll(['external', '--csr', csrFile('client.csr', 'clientAuth'), ...DETAILS]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Extended key usage +clientAuth/);
    expect(result.stderr).toMatch(
      /The request was not sent: The request must ask for exactly these extended key usages: serverAuth \(it asks for clientAuth\)\./,
    );
    expect(existsSync(join(home, 'requests'))).toBe(false);
  });

  it('refuses bad device details as usage errors (exit 2)', async () => {
    const csr = csrFile('good.csr', 'serverAuth');
    expect((await enroll(['external', '--csr', csr, ...DETAILS, '--mac', 'zz'])).stderr).toMatch(
      /--mac must be a MAC address/,
    );
    expect((await enroll(['external', '--csr', csr, ...DETAILS, '--os-type', '16'])).code).toBe(2);
    expect((await enroll(['external', '--csr', 'missing.csr', ...DETAILS])).code).toBe(2);
    expect(existsSync(join(home, 'requests'))).toBe(false);
  });

  it('refuses a kind the package does not allow (exit 2)', async () => {
    const other = files.path('home-2');
    await cli(other, ['init', files.write('limited.json', JSON.stringify({ ...config, kinds: ['workstation'] }))]);
    const result = await cli(other, ['external', '--csr', csrFile('good2.csr', 'serverAuth'), ...DETAILS]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not allow external requests \(it allows workstation\)/);
  });
});
