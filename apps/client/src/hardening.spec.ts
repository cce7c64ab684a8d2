import { permissionError } from './cli';
import { renewUrl } from './client-config';
import { stripControl } from './context';
import { clientPaths, systemMachineStore } from './paths';
import { cli, scratch } from './test-support/harness';
import { offlinePackage } from './test-support/package-file';

const files = scratch();
afterAll(() => files.cleanup());
let n = 0;
const freshHome = (): string => files.path(`home-${++n}`);

describe('what a real device showed (issue 13)', () => {
  it('strips terminal escape sequences and control characters from text, keeping lines and tabs', () => {
    expect(stripControl('Rejected: \u001b[2J\u001b]0;pwned\u0007bad\u0000 key\u009b31m\tok\nnext')).toBe(
      'Rejected: bad key31m\tok\nnext',
    );
  });

  it('puts the machine store in one system-wide place, unless ENROLL_MACHINE_STORE says otherwise', () => {
    expect(clientPaths({}, '/home/alice', 'linux')).toMatchObject({
      machineStore: '/var/lib/enroll/machine-store',
      machineStoreIsSystem: true,
    });
    expect(systemMachineStore({ ProgramData: 'D:\\ProgramData' }, 'win32')).toBe(
      'D:\\ProgramData\\Enroll\\machine-store',
    );
    expect(clientPaths({ ENROLL_MACHINE_STORE: '/srv/certs' }, '/home/alice', 'linux')).toMatchObject({
      machineStore: '/srv/certs',
      machineStoreIsSystem: false,
    });
    expect(clientPaths({}, '/home/alice', 'linux').userStore).toBe('/home/alice/.enroll/user-store');
  });

  it('prints a JSON document for usage errors under --json', async () => {
    const result = await cli(freshHome(), ['status', '--bogus', '--json']);
    expect(result.code).toBe(2);
    expect(result.json()).toEqual({ error: { code: 'USAGE', message: "unknown option '--bogus'", exitCode: 2 } });
  });

  it('says which folder it may not write, as a configuration problem (exit 2), not "Unexpected error: EPERM"', () => {
    const refusal = Object.assign(new Error("EACCES: permission denied, mkdir '/var/lib/enroll/machine-store'"), {
      code: 'EACCES',
      path: '/var/lib/enroll/machine-store',
    });
    const error = permissionError(refusal);
    expect(error).toMatchObject({ exitCode: 2, code: 'PERMISSION_DENIED' });
    expect(error?.message).toMatch(
      /^Permission denied on \/var\/lib\/enroll\/machine-store \(EACCES\): run enroll as the account/,
    );
    expect(permissionError(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBeUndefined();
  });

  it('derives the renewal URL from the revoke URL for package files exported before renewal', async () => {
    const config = await offlinePackage();
    expect(renewUrl(config)).toBe(config.urls.revoke.replace(/revoke$/, 'renew'));
    expect(renewUrl({ ...config, urls: { ...config.urls, renew: 'https://mtls.example:8443/renew' } })).toBe(
      'https://mtls.example:8443/renew',
    );
  });
});
