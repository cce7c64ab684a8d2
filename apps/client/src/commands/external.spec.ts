import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StubApi } from '../test-support/stub-api';
import { cli, openssl, REQUESTER, scratch, type CliResult } from '../test-support/harness';

let stub: StubApi;
const files = scratch();
const home = files.path('home');
const key = files.write('server.key', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const enroll = (argv: readonly string[]): Promise<CliResult> => cli(home, argv);

function csrFile(name: string, eku: string): string {
  const result = openssl([
    'req', '-new', '-key', key, '-subj', '/C=FR/O=J1CFRA/CN=api.laposte.example',
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment', '-addext', `extendedKeyUsage=${eku}`,
  ]);
  return files.write(name, result.stdout);
}

const DETAILS = [
  '--mac', '00-1a-2b-3c-4d-5e', '--nic', '{4D36E972-E325-11CE-BFC1-08002BE10318}', '--processor-id', 'BFEBFBFF000906EA',
  '--os-version', 'Windows Server 2022 (10.0.20348)', '--os-type', '64', '--phone', '+33 1 23 45 67 89', '--description', 'Public web front',
  '--requested-by', REQUESTER,
];

beforeAll(async () => {
  stub = await StubApi.start();
  expect((await enroll(['init', files.write('package.json', JSON.stringify(stub.config({ store: 'user' })))])).code).toBe(0);
});
afterAll(async () => {
  await stub.stop();
  files.cleanup();
});

describe('enroll external', () => {
  it('refuses a CSR asking for clientAuth before sending it, naming the expected usage (exit 1)', async () => {
    const result = await enroll(['external', '--csr', csrFile('client.csr', 'clientAuth'), ...DETAILS]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Extended key usage +clientAuth/);
    expect(result.stderr).toMatch(/The request was not sent: The request must ask for exactly these extended key usages: serverAuth \(it asks for clientAuth\)\./);
    expect(stub.requests).toHaveLength(0);
  });

  it('refuses bad device details as usage errors (exit 2)', async () => {
    const csr = csrFile('good.csr', 'serverAuth');
    expect((await enroll(['external', '--csr', csr, ...DETAILS, '--mac', 'zz'])).stderr).toMatch(/--mac must be a MAC address/);
    expect((await enroll(['external', '--csr', csr, ...DETAILS, '--os-type', '16'])).code).toBe(2);
    expect((await enroll(['external', '--csr', 'missing.csr', ...DETAILS])).code).toBe(2);
    expect(stub.requests).toHaveLength(0);
  });

  it('shows the CSR, submits it with kind external and the other server’s details', async () => {
    const result = await enroll(['external', '--csr', csrFile('good.csr', 'serverAuth'), ...DETAILS]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Subject +CN=api.laposte.example, O=J1CFRA, C=FR/);
    expect(result.stdout).toMatch(/Key usage +digitalSignature, keyEncipherment, dataEncipherment/);
    expect(result.stdout).toMatch(/The new certificate request has been submitted successfully for request Id 1\.\n$/);
    expect(stub.find(1).body).toMatchObject({
      kind: 'external',
      requestedBy: REQUESTER,
      device: {
        machineName: 'api', fqdn: 'api.laposte.example', macAddress: '00:1A:2B:3C:4D:5E', nicId: '{4D36E972-E325-11CE-BFC1-08002BE10318}',
        processorId: 'BFEBFBFF000906EA', osVersion: 'Windows Server 2022 (10.0.20348)', osType: '64-bit',
      },
    });
  });

  it('saves the approved certificate under the environment folder, which marks it Downloaded', async () => {
    await stub.approve(1);
    const result = await enroll(['get', '--requested-by', REQUESTER]);
    const file = join(home, 'config', 'Production', 'api.laposte.example-request-1.pem');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Certificate saved for request Id 1: ${file}`);
    expect(readFileSync(file, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(stub.find(1)).toMatchObject({ status: 'Downloaded', downloadedBy: REQUESTER });
    const status = await enroll(['status', '--requested-by', REQUESTER, '--json']);
    expect(status.json<{ requests: unknown[] }>().requests).toEqual([expect.objectContaining({ id: 1, status: 'Downloaded', enrollmentType: 'External' })]);
    expect((await enroll(['subject', '1', '--no-clipboard', '--format', 'rfc4514'])).stdout).toBe('CN=api.laposte.example,OU=Server,O=J1CFRA,C=FR\n');
  });

  it('refuses a kind the package does not allow (exit 2)', async () => {
    const other = files.path('home-2');
    await cli(other, ['init', files.write('limited.json', JSON.stringify(stub.config({ kinds: ['workstation'] })))]);
    const result = await cli(other, ['external', '--csr', csrFile('good2.csr', 'serverAuth'), ...DETAILS]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not allow external requests \(it allows workstation\)/);
  });
});
