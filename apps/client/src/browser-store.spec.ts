import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrivateKey, type CertificateAuthority } from '@enroll/pki';
import type { ClientConfig } from './client-config';
import { saveCaChain, saveConfig } from './config-store';
import { privateKeyToPem } from './own-csr';
import { clientPaths } from './paths';
import { saveRequestFile } from './request-records';
import { startContractApi, wireRequest, type ContractApi } from './test-support/contract-api';
import { cli, REQUESTER, scratch } from './test-support/harness';
import { closedPort, packageFile } from './test-support/package-file';
import { issueFor, makeTestCa } from './test-support/test-ca';

/**
 * A `user` package's certificate goes into the account's NSS database ($HOME/.pki/nssdb, and the
 * Firefox profiles), with the real certutil and pk12util (libnss3-tools), under a HOME of the
 * test's own; `--trust-system` writes into a folder of the test's own (ENROLL_TEST_* variables).
 */
const CN = '02FC00000001BFEBFBFF000906E99D09A4C85CB1415B9897660CBA152853';
const NICKNAME = `Enroll J1CFRA ${CN}`;

const nss = (args: readonly string[]): { status: number; stdout: string } => {
  const result = spawnSync('certutil', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: result.status ?? -1, stdout: `${result.stdout}${result.stderr}` };
};
/** `certutil -L`: nickname → trust flags, one row per certificate. */
const certificatesIn = (db: string): [string, string][] =>
  nss(['-L', '-d', `sql:${db}`])
    .stdout.split('\n')
    .slice(4)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^(.*\S)\s+(\S*,\S*,\S*)\s*$/.exec(line);
      return match ? [match[1] ?? '', match[2] ?? ''] : [line.trim(), ''];
    });
/** `certutil -K`: the nicknames of the private keys. */
const keysIn = (db: string): string[] =>
  nss(['-K', '-d', `sql:${db}`])
    .stdout.split('\n')
    .map((line) => /^<\s*\d+>\s+\S+\s+[0-9a-f]+\s+(.*)$/.exec(line)?.[1]?.trim())
    .filter((name): name is string => name !== undefined);
/** The serial of the certificate NSS holds under a nickname. */
const serialIn = (db: string, nickname: string): string | undefined => {
  const result = nss(['-L', '-d', `sql:${db}`, '-n', nickname, '-a']);
  return result.status === 0 ? new X509Certificate(result.stdout).serialNumber : undefined;
};

const haveNssTools = spawnSync('certutil', ['-H'], { stdio: 'ignore' }).error === undefined;

describe('the browsers’ certificate database (user packages) and --trust-system (machine packages)', () => {
  const files = scratch();
  let ca: CertificateAuthority;
  let api: ContractApi;
  let config: ClientConfig;

  const home = async (name: string, overrides: Partial<ClientConfig> = {}): Promise<string> => {
    const folder = files.path(name);
    const paths = clientPaths({ ENROLL_HOME: folder }, folder);
    await saveConfig(paths, { ...config, ...overrides });
    await saveCaChain(paths, ca.chainPem);
    return folder;
  };
  /** An approved request whose key was made in `folder` and whose certificate the API serves. */
  const approved = async (folder: string, id: number, renewalOf?: number): Promise<string> => {
    const paths = clientPaths({ ENROLL_HOME: folder }, folder);
    const key = await generatePrivateKey('EC-P256');
    await saveRequestFile(paths, config.packageId, id, 'key.pem', privateKeyToPem(key));
    const issued = await issueFor(ca, 'workstation', key, {
      commonName: CN,
      organizationCode: 'J1CFRA',
      country: 'FR',
    });
    api.certificates.set(id, `${issued.pem}${ca.chainPem}`);
    api.requests.push(
      wireRequest(id, 'Approved', {
        commonName: CN,
        enrollmentType: 'User',
        ...(renewalOf === undefined ? {} : { renewalOf }),
      }),
    );
    return issued.serialNumber;
  };
  const get = (folder: string, extra: readonly string[] = [], env: Record<string, string> = {}) =>
    cli(folder, ['get', '--requested-by', REQUESTER, ...extra], { env });

  beforeAll(async () => {
    ca = await makeTestCa();
    api = await startContractApi(ca.chainPem);
    config = packageFile(api.url, `https://127.0.0.1:${await closedPort()}`, { store: 'user' });
  });
  afterEach(() => {
    api.requests.length = 0;
    api.certificates.clear();
  });
  afterAll(async () => {
    await api.close();
    files.cleanup();
  });

  (haveNssTools ? it : it.skip)(
    'installs the certificate with its key into $HOME/.pki/nssdb (made when missing) and every Firefox profile, the root CA trusted for TLS; a renewal leaves only the new one',
    async () => {
      const folder = await home('user');
      const db = join(folder, '.pki', 'nssdb');
      const firefox = join(folder, '.mozilla', 'firefox', 'abcd1234.default-release');
      mkdirSync(firefox, { recursive: true });
      expect(nss(['-N', '--empty-password', '-d', `sql:${firefox}`]).status).toBe(0);
      const first = await approved(folder, 1);

      const result = await get(folder);
      expect(result.stderr).not.toContain('Warning');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Certificate installed successfully for request Id 1.');
      expect(result.stdout).toContain(`for Chromium and Firefox: "${NICKNAME}" in ${db}, ${firefox}`);
      for (const database of [db, firefox]) {
        expect(certificatesIn(database)).toEqual(
          expect.arrayContaining([
            [NICKNAME, 'u,u,u'],
            ['Enroll Root CA', 'C,,'],
            ['Enroll Issuing CA', ',,'],
          ]),
        );
        expect(keysIn(database)).toEqual([NICKNAME]);
        expect(serialIn(database, NICKNAME)).toBe(first);
      }
      expect(api.requests[0]?.status).toBe('Installed');

      // A renewal (approved by a manager, picked up by get): the old certificate and key leave.
      const second = await approved(folder, 2, 1);
      const renewed = await get(folder, ['--json']);
      expect(renewed.code).toBe(0);
      expect(renewed.json()).toMatchObject({
        outcomes: [
          { id: 1, action: 'up-to-date' },
          {
            id: 2,
            action: 'installed',
            browserStore: { updated: true, nickname: NICKNAME, databases: [db, firefox], replaced: 2 },
          },
        ],
      });
      for (const database of [db, firefox]) {
        expect(certificatesIn(database).filter(([name]) => name === NICKNAME)).toHaveLength(1);
        expect(keysIn(database)).toEqual([NICKNAME]);
        expect(serialIn(database, NICKNAME)).toBe(second);
      }
      const events = readFileSync(join(folder, 'events.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string; message: string });
      expect(events.filter((e) => e.event === 'browser-store').map((e) => e.message)).toEqual([
        `Added "${NICKNAME}" to ${db}, ${firefox}.`,
        `Added "${NICKNAME}" to ${db}, ${firefox} (replacing 2 older).`,
      ]);
    },
  );

  (haveNssTools ? it : it.skip)(
    'says so and exits 1 when a database has a password: the certificate is installed, the command to run is given',
    async () => {
      const folder = await home('password');
      const db = join(folder, '.pki', 'nssdb');
      mkdirSync(db, { recursive: true });
      const passwordFile = files.write('nssdb-password', 'a database password\n');
      expect(nss(['-N', '-d', `sql:${db}`, '-f', passwordFile]).status).toBe(0);
      await approved(folder, 6);
      const result = await get(folder);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('Certificate installed successfully for request Id 6.');
      expect(result.stderr).toContain(
        `Warning: the browsers' certificate database was not fully updated (${db}: certutil`,
      );
      expect(result.stderr).toContain(
        `To add it by hand: \`pk12util -i ${join(folder, 'user-store', 'request-6', 'bundle.p12')}`,
      );
      expect(certificatesIn(db).map(([name]) => name)).not.toContain(NICKNAME);
    },
  );

  it('still installs when certutil and pk12util are missing, and says how to get them (exit 0)', async () => {
    const folder = await home('no-tools');
    await approved(folder, 3);
    const emptyPath = files.path('empty-path');
    mkdirSync(emptyPath);
    const result = await get(folder, [], { PATH: emptyPath });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Certificate installed successfully for request Id 3.');
    expect(result.stdout).not.toContain('for Chromium and Firefox');
    expect(result.stderr).toContain(
      `Warning: the browsers' certificate database (${join(folder, '.pki', 'nssdb')}) was not updated: certutil and pk12util (libnss3-tools) are not installed`,
    );
    expect(result.stderr).toContain('sudo apt install libnss3-tools');
    expect(result.stderr).toContain(`pk12util -i ${join(folder, 'user-store', 'request-3', 'bundle.p12')}`);
    expect(existsSync(join(folder, 'user-store', 'current', 'key.pem'))).toBe(true);
    if (!haveNssTools) {
      return;
    }
    // Once the tools are there, the next `enroll get` adds the current certificate; then nothing more.
    const db = join(folder, '.pki', 'nssdb');
    const repaired = await get(folder);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toBe(
      `The certificate of request Id 3 was added to the browsers' certificate database.\n  for Chromium and Firefox: "${NICKNAME}" in ${db}\n`,
    );
    expect(keysIn(db)).toEqual([NICKNAME]);
    expect(await get(folder)).toMatchObject({ code: 0, stdout: 'Nothing new: every certificate is up to date.\n' });
  });

  it('skips the browsers with --no-browser-store or "browserStore": false', async () => {
    const folder = await home('skipped');
    await approved(folder, 4);
    const result = await get(folder, ['--no-browser-store', '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ outcomes: [{ id: 4, action: 'installed', browserStore: null }] });
    const other = await home('skipped-by-setting');
    writeFileSync(join(other, 'settings.json'), JSON.stringify({ browserStore: false }));
    api.requests.length = 0;
    await approved(other, 5);
    expect((await get(other)).code).toBe(0);
    expect(existsSync(join(folder, '.pki'))).toBe(false);
    expect(existsSync(join(other, '.pki'))).toBe(false);
  });

  describe('--trust-system', () => {
    const trustEnv = (name: string): Record<string, string> => {
      const target = files.path(`${name}-ca-certificates`);
      mkdirSync(target);
      const marker = files.path(`${name}-update-ran`);
      const command = files.write(`${name}-update.sh`, `#!/bin/sh\necho ran > '${marker}'\n`);
      spawnSync('chmod', ['755', command]);
      return { ENROLL_TEST_SYSTEM_CA_DIR: target, ENROLL_TEST_UPDATE_CA_COMMAND: command };
    };

    it('adds the root CA of a machine package (as root) and runs the update command', async () => {
      const folder = await home('machine', { store: 'machine' });
      const env = trustEnv('machine');
      const result = await get(folder, ['--trust-system'], env);
      expect(result.code).toBe(0);
      const file = join(env.ENROLL_TEST_SYSTEM_CA_DIR ?? '', 'enroll-J1CFRA.crt');
      const root = new X509Certificate(readFileSync(file));
      expect(root.subject).toContain('CN=Enroll Root CA');
      expect(root.subject).toBe(root.issuer);
      expect(readFileSync(files.path('machine-update-ran'), 'utf8')).toBe('ran\n');
      expect(result.stdout).toContain(`The system trusts the root CA (`);
      expect(result.stdout).toContain(`: ${file} (`);
    });

    it('is refused for a user package and for another account than root (exit 2), before anything is done', async () => {
      const user = await home('trust-user');
      const env = trustEnv('trust-user');
      const refused = await get(user, ['--trust-system'], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--trust-system is for a machine package');
      const machine = await home('trust-not-root', { store: 'machine' });
      const getuid = jest.spyOn(process, 'getuid').mockReturnValue(1000);
      try {
        const notRoot = await get(machine, ['--trust-system'], env);
        expect(notRoot.code).toBe(2);
        expect(notRoot.stderr).toContain('only root may do: run `sudo enroll get --trust-system`');
      } finally {
        getuid.mockRestore();
      }
      expect(existsSync(join(env.ENROLL_TEST_SYSTEM_CA_DIR ?? '', 'enroll-J1CFRA.crt'))).toBe(false);
    });

    it('says what to do where the folder or the command is missing (exit 1)', async () => {
      const folder = await home('trust-missing', { store: 'machine' });
      const noFolder = await get(folder, ['--trust-system'], {
        ENROLL_TEST_SYSTEM_CA_DIR: files.path('does-not-exist'),
        ENROLL_TEST_UPDATE_CA_COMMAND: '/bin/true',
      });
      expect(noFolder.code).toBe(1);
      expect(noFolder.stderr).toContain('The system trust store was not changed');
      expect(noFolder.stderr).toContain('update-ca-trust');
      const env = { ...trustEnv('trust-no-command'), ENROLL_TEST_UPDATE_CA_COMMAND: files.path('no-such-command') };
      const noCommand = await get(folder, ['--trust-system'], env);
      expect(noCommand.code).toBe(1);
      expect(noCommand.stderr).toContain('is not installed');
    });
  });
});
