import { spawn, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreatedPackage, RequestDetail, Wire } from '@enroll/contract';
import { api, externalCsr, openssl, startApiWithOrganization, type RunningApi } from './support';

/**
 * The original user guide, step by step, as a device administrator follows it (issue 13): the
 * client downloaded from the running API into an empty folder and run with Node.js alone, as root,
 * in a fresh HOME, with a machine package: init, submit through the form in a pseudo-terminal,
 * resubmit (the first is Cancelled), get (Installed in the system-wide machine store), test,
 * subject, an external CSR (Downloaded), revoke, and test again (revoked).
 *
 * The machine store is the real default, /var/lib/enroll/machine-store: each command runs in its
 * own mount namespace (util-linux unshare) where /var/lib is this test's folder, so the client
 * writes where it would on a device and the host's /var/lib is never touched. Where namespaces
 * are not allowed (not root), ENROLL_MACHINE_STORE points at the same folder instead.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-guide-e2e-'));
const varLib = join(work, 'var-lib');
const machineStore = join(varLib, 'enroll', 'machine-store');
const home = join(work, 'home');
const clientFile = join(work, 'bin', 'enroll.cjs');
const namespaces = spawnSync('unshare', ['-m', 'true']).status === 0;
let server: RunningApi;
let admin: string;
let manager: string;
let config: Wire<CreatedPackage>['clientConfig'];

type Detail = Wire<RequestDetail>;
const detail = (id: number): Promise<Detail> => api<Detail>(server.url, 'GET', `/api/v1/requests/${id}`, admin);
const submittedId = (output: string): number =>
  Number(/submitted successfully for request Id (\d+)\./.exec(output)?.[1]);
const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `node enroll.cjs <args>` on the "device". With `answers`, in a pseudo-terminal made by util-linux
 * `script` (stdout and stderr are the terminal's one output then), the answers typed ahead.
 */
function device(args: string[], answers?: string[]): Promise<Run> {
  const client = [process.execPath, clientFile, ...args];
  const command = answers ? ['script', '-qefc', client.map(quote).join(' '), '/dev/null'] : client;
  const [file, ...argv] = namespaces
    ? ['unshare', '-m', 'sh', '-c', 'mount --bind "$0" /var/lib && exec "$@"', varLib, ...command]
    : command;
  return new Promise((resolve, reject) => {
    const child = spawn(file ?? '', argv, {
      cwd: join(work, 'bin'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        TERM: 'dumb',
        ...(namespaces ? {} : { ENROLL_MACHINE_STORE: machineStore }),
      },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    if (answers) {
      child.stdin.write(answers.map((line) => `${line}\n`).join(''));
    }
    child.on('close', (code) =>
      resolve({ status: code ?? -1, stdout: stdout.replace(/\r/g, ''), stderr: stderr.replace(/\r/g, '') }),
    );
  });
}

beforeAll(async () => {
  mkdirSync(join(work, 'bin'));
  mkdirSync(home);
  mkdirSync(varLib);
  ({ server, admin, manager } = await startApiWithOrganization(join(work, 'api-data')));
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the user guide, step by step, with the client downloaded from the service', () => {
  const ids = { first: 0, second: 0, external: 0 };
  let commonName = '';

  it('downloads the client: one file that runs with Node.js alone', async () => {
    const response = await fetch(`${server.url}/downloads/enroll.cjs`);
    expect(response.status).toBe(200);
    writeFileSync(clientFile, Buffer.from(await response.arrayBuffer()));
    const version = await device(['--version']);
    expect(version).toMatchObject({ status: 0, stdout: '0.1.0\n' });
  });

  it('init: loads the package file and accepts the CA chain fetched over https by the root fingerprint it names', async () => {
    const created = await api<Wire<CreatedPackage>>(server.url, 'POST', '/api/v1/packages', admin, {
      organizationCode: 'J1CFRA',
      environment: 'Production',
      store: 'machine',
      kinds: ['workstation', 'external'],
      label: 'Front desk PCs',
    });
    config = created.clientConfig;
    expect(config.urls.request).toBe(`https://127.0.0.1:${server.mtlsPort}/api/v1/enrollment/requests`);
    expect(config.urls.caChain).toBe(`https://127.0.0.1:${server.mtlsPort}/pki/ca.pem`);
    writeFileSync(join(work, 'package-J1CFRA-Production.json'), JSON.stringify(config));

    const init = await device(['init', join(work, 'package-J1CFRA-Production.json')]);
    expect(init.stderr).not.toMatch(/Error/);
    expect(init.status).toBe(0);
    expect(init.stdout).toContain('CA chain saved: its root is the one the package file names.');
    const saved = readFileSync(join(home, '.enroll', 'ca.pem'), 'utf8');
    expect(saved).toBe(await (await fetch(`${server.url}/pki/ca.pem`)).text());
    // The root the chain ends with, by an independent reading of it (openssl), is the package's.
    const root = saved.slice(saved.lastIndexOf('-----BEGIN CERTIFICATE-----'));
    const rootDer = spawnSync('openssl', ['x509', '-outform', 'DER'], { input: root }).stdout;
    expect(createHash('sha256').update(rootDer).digest('hex').toUpperCase()).toBe(config.caFingerprint);
    expect(statSync(join(home, '.enroll', 'client.json')).mode & 0o777).toBe(0o600);
  });

  it('submit in a terminal: shows the fixed fields, asks for the others, previews the subject, submits on yes', async () => {
    const answers = ['Paris', 'Ile-de-France', 'alice at laposte', 'alice@laposte.example', '', '+33 1 23 45 67 89'];
    const run = await device(['submit'], [...answers, 'Front desk PC', 'y']);
    expect(run.stdout).toMatch(/Organization \(O\) +J1CFRA \(France-LA POSTE\)/);
    expect(run.stdout).toMatch(/Organizational unit \(OU\) +Workstation/);
    expect(run.stdout).toContain('Locality / city (L): ');
    expect(run.stdout).toContain('  an e-mail address is expected');
    expect(run.stdout).toContain('Key length (2048, 3072, 4096) [2048]: ');
    expect(run.stdout).toContain('Submit this request? [Y/n]');
    commonName = /Common name +([0-9A-F]{60})\n/.exec(run.stdout)?.[1] ?? '';
    expect(commonName).not.toBe('');
    ids.first = submittedId(run.stdout);
    // The preview is the service's dry run, before the question: the exact subject the certificate will carry.
    const preview = run.stdout.slice(run.stdout.indexOf('(dry run)'), run.stdout.indexOf('Submit this request?'));
    expect(preview).toContain(
      `Subject                    E=alice@laposte.example, CN=${commonName}, OU=Workstation, O=J1CFRA, L=Paris, S=Ile-de-France, C=FR\n`,
    );
    expect(preview).toContain('Verdict                    accepted, then Pending until an approver decides');
    expect(run.status).toBe(0);
    expect(await detail(ids.first)).toMatchObject({
      status: 'Pending',
      kind: 'workstation',
      commonName,
      phone: '+33 1 23 45 67 89',
      description: 'Front desk PC',
    });
  });

  it('resubmit: the new request cancels the first, and status shows both', async () => {
    const run = await device([
      'submit',
      ...['--locality', 'Paris', '--state', 'Ile-de-France', '--email', 'alice@laposte.example'],
      ...['--phone', '+33 1 23 45 67 89', '--description', 'Front desk PC, again'],
    ]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    ids.second = submittedId(run.stdout);
    expect(ids.second).toBeGreaterThan(ids.first);
    expect((await detail(ids.first)).status).toBe('Cancelled');
    const status = await device(['status']);
    expect(status.status).toBe(0);
    const rows = status.stdout.split('\n').filter((line) => /^\s*\d+\s/.test(line));
    expect(rows.map((line) => line.trim().split(/\s+/).slice(0, 2))).toEqual([
      [String(ids.second), 'Pending'],
      [String(ids.first), 'Cancelled'],
    ]);
  });

  it('get: the manager approves; the certificate is installed in /var/lib/enroll/machine-store and confirmed', async () => {
    await api(server.url, 'POST', `/api/v1/requests/${ids.second}/approve`, manager, {});
    const run = await device(['get']);
    expect(run.stdout).toContain(`Certificate installed successfully for request Id ${ids.second}.`);
    // The cancellation is said once, and is no failure: the resubmission made it (exit 0).
    expect(run.stdout).toContain(`Request Id ${ids.first} was cancelled: Superseded by request ${ids.second}.`);
    expect(run.status).toBe(0);
    expect((await detail(ids.second)).status).toBe('Installed');
    const folder = join(machineStore, `request-${ids.second}`);
    expect(statSync(join(folder, 'cert.pem')).mode & 0o777).toBe(0o644);
    expect(statSync(join(folder, 'key.pem')).mode & 0o077).toBe(0);
    expect(readlinkSync(join(machineStore, 'current'))).toBe(`request-${ids.second}`);
    expect(
      openssl(['verify', '-x509_strict', '-CAfile', join(folder, 'chain.pem'), join(folder, 'cert.pem')]).stdout,
    ).toMatch(/cert.pem: OK/);
    expect(new X509Certificate(readFileSync(join(folder, 'cert.pem'))).subject).toContain(`CN=${commonName}`);
    // Nothing went to the host's /var/lib.
    if (namespaces) {
      expect(existsSync(join('/var/lib/enroll/machine-store', `request-${ids.second}`))).toBe(false);
    }
  });

  it('test: the certificate opens the mutual-TLS test service', async () => {
    expect(await device(['test'])).toMatchObject({
      status: 0,
      stdout: 'Connection to test connection service successful.\n',
    });
  });

  it('subject: the Windows style and RFC 4514, and a word when there is no clipboard to copy it to', async () => {
    const run = await device(['subject', '--format', 'windows']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `E=alice@laposte.example, CN=${commonName}, OU=Workstation, O=J1CFRA, L=Paris, S=Ile-de-France, C=FR\n`,
    );
    expect(run.stderr).toMatch(
      /the subject \(Windows style\) was not copied to the clipboard: .+\. Copy it from above/,
    );
    // RFC 4514 as OpenSSL reads the certificate, but for the e-mail, which RFC 4514 has no name
    // for: a dotted OID and the hex of its DER value (IA5String, tag 0x16).
    const rfc = await device(['subject', '--format', 'rfc4514', '--no-clipboard']);
    const byOpenssl = openssl(
      ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'],
      readFileSync(join(machineStore, 'current', 'cert.pem'), 'utf8'),
    ).stdout;
    const email = Buffer.from('alice@laposte.example');
    const emailDer = `#16${email.length.toString(16).padStart(2, '0')}${email.toString('hex')}`;
    expect(`subject=${rfc.stdout}`).toBe(
      byOpenssl.replace('emailAddress=alice@laposte.example', `1.2.840.113549.1.9.1=${emailDer}`),
    );
    expect(rfc.stdout).toMatch(new RegExp(`^1\\.2\\.840\\.113549\\.1\\.9\\.1=#16.*,CN=${commonName},`));
  });

  it('external: a CSR made for another server is submitted; once approved, get saves it and it is Downloaded', async () => {
    const { csr, key: keyFile } = externalCsr(join(work, 'api'), '/C=FR/O=J1CFRA/CN=api.laposte.example');
    // In a terminal, as the guide's external form: the CSR shown and checked, the other server's details asked for.
    const details = ['00-1a-2b-3c-4d-5e', '{4D36E972-E325-11CE-BFC1-08002BE10318}', 'BFEBFBFF000906EA', 'Debian 12'];
    const submitted = await device(
      ['external', '--csr', csr],
      ['', ...details, '', '+33 1 23 45 67 89', 'Public web front', 'y'],
    );
    expect(submitted.stdout).toMatch(/Subject +CN=api.laposte.example, O=J1CFRA, C=FR/);
    expect(submitted.stdout).toContain("The other server's FQDN [api.laposte.example]: ");
    expect(submitted.status).toBe(0);
    ids.external = submittedId(submitted.stdout);
    expect(await detail(ids.external)).toMatchObject({
      kind: 'external',
      status: 'Pending',
      phone: '+33 1 23 45 67 89',
      description: 'Public web front',
      device: {
        fqdn: 'api.laposte.example',
        macAddress: '00:1A:2B:3C:4D:5E',
        osVersion: 'Debian 12',
        osType: '64-bit',
      },
    });
    await api(server.url, 'POST', `/api/v1/requests/${ids.external}/approve`, admin, {});
    const got = await device(['get']);
    const file = join(home, '.enroll', 'config', 'Production', `api.laposte.example-request-${ids.external}.pem`);
    expect(got.stdout).toContain(`Certificate saved for request Id ${ids.external}: ${file}`);
    expect(got.status).toBe(0);
    expect((await detail(ids.external)).status).toBe('Downloaded');
    const key = openssl(['pkey', '-in', keyFile, '-pubout']).stdout;
    expect(openssl(['x509', '-noout', '-pubkey', '-in', file]).stdout).toBe(key);
  });

  it('revoke: the certificate is revoked at once, and test then says so (exit 1)', async () => {
    const revoked = await device(['revoke', '--reason', 'keyCompromise']);
    expect(revoked).toMatchObject({
      status: 0,
      stdout: `The certificate of request Id ${ids.second} has been revoked (reason: keyCompromise).\n`,
    });
    expect((await detail(ids.second)).status).toBe('Revoked');
    const test = await device(['test']);
    expect(test.status).toBe(1);
    expect(test.stdout).toMatch(/^Test failed \(revoked\): /);
  });

  it('keeps an event log to send to support, without the token or any key', () => {
    const log = readFileSync(join(home, '.enroll', 'events.log'), 'utf8');
    for (const event of ['package-loaded', 'ca-chain-saved', 'installed', 'revoked']) {
      expect(log).toContain(event);
    }
    expect(log).not.toContain(config.token);
    expect(log).not.toMatch(/PRIVATE KEY/);
  });
});
