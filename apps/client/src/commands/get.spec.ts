import { generateKeyPairSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { StubApi } from '../test-support/stub-api';
import { cli, REQUESTER, scratch, type CliResult } from '../test-support/harness';

let stub: StubApi;
const files = scratch();
const home = files.path('home');
const userStore = files.path('alice-certs');
const enroll = (argv: readonly string[]): Promise<CliResult> => cli(home, [...argv, '--requested-by', REQUESTER], { env: { ENROLL_USER_STORE: userStore } });

beforeAll(async () => {
  stub = await StubApi.start();
  expect((await cli(home, ['init', files.write('package.json', JSON.stringify(stub.config({ store: 'user' })))])).code).toBe(0);
  const submitted = await enroll(['submit', '--key-type', 'ec', '--locality', 'Lyon', '--state', 'Rhone', '--email', 'alice@laposte.example', '--phone', '1', '--description', 'Laptop']);
  expect(submitted.code).toBe(0);
});
afterAll(async () => {
  await stub.stop();
  files.cleanup();
});

describe('enroll get into a user store', () => {
  it('refuses to install a certificate that does not belong to the key made here, and does not confirm it (exit 1)', async () => {
    await stub.approve(1, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
    const result = await enroll(['get', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: Request Id 1 failed: The certificate of request Id 1 does not belong to the key made on this device: it was not installed.');
    expect(result.json()).toEqual({ requestedBy: REQUESTER, outcomes: [expect.objectContaining({ id: 1, action: 'failed', code: 'KEY_MISMATCH' })] });
    expect(stub.find(1).status).toBe('Approved');
    expect(stub.calls.some((call) => call.endsWith('/installed'))).toBe(false);
  });

  it('installs the right certificate into the user store, which only its owner can read', async () => {
    await stub.approve(1);
    const result = await enroll(['get', '--p12-password', 'correct horse battery']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Certificate installed successfully for request Id 1\./);
    expect(stub.find(1).status).toBe('Installed');
    expect(statSync(userStore).mode & 0o777).toBe(0o700);
    expect(statSync(join(userStore, 'request-1')).mode & 0o777).toBe(0o700);
    expect(statSync(join(userStore, 'request-1', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(() => statSync(join(userStore, 'request-1', 'bundle.p12.password'))).toThrow();
    expect((await cli(home, ['test'], { env: { ENROLL_USER_STORE: userStore } })).code).toBe(0);
  });
});
