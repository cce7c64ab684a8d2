import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from '../client-config';
import { saveCaChain, saveConfig } from '../config-store';
import { clientPaths } from '../paths';
import { startContractApi, wireRequest, type ContractApi } from '../test-support/contract-api';
import { cli, openssl, REQUESTER, scratch } from '../test-support/harness';
import { closedPort, packageFile } from '../test-support/package-file';
import { makeTestCa } from '../test-support/test-ca';

/**
 * `enroll submit` without every option: a usage error naming them all without a terminal; the
 * form, the service's dry run and a confirmation in one (a pseudo-terminal made by util-linux
 * `script`, the client run from its sources by tsx). `--dry-run` sends nothing for real.
 */
const TSX = join(__dirname, '../../../../node_modules/.bin/tsx');
const MAIN = join(__dirname, '../main.ts');
const PREVIEW = {
  kind: 'workstation',
  // As the API writes it: RFC 4514, the e-mail as a dotted OID with its DER value in hex.
  subject:
    '1.2.840.113549.1.9.1=#1615616c696365406c61706f7374652e6578616d706c65,CN=ABCDEF0123456789,OU=Workstation,O=J1CFRA,L=Paris,ST=Ile-de-France,C=FR',
  commonName: 'ABCDEF0123456789',
  keyUsage: ['digitalSignature', 'keyEncipherment', 'dataEncipherment'],
  extendedKeyUsage: ['clientAuth'],
  subjectAltNames: [],
  validityDays: 730,
  enrollmentType: 'Machine',
  verdict: 'Pending',
  cancels: [41],
};
/** The preview shows it in the Windows style, as the rest of the client and the user guide do. */
const READABLE_SUBJECT =
  'E=alice@laposte.example, CN=ABCDEF0123456789, OU=Workstation, O=J1CFRA, L=Paris, S=Ile-de-France, C=FR';
const FLAGS = ['--locality', 'Paris', '--state', 'Ile-de-France', '--email', 'alice@laposte.example'];
const ALL_FLAGS = [...FLAGS, '--phone', '+33 1 23', '--description', 'Front desk PC', '--requested-by', REQUESTER];

const files = scratch();
let api: ContractApi;
let config: ClientConfig;
let caChain: string;
let n = 0;

async function home(): Promise<string> {
  const folder = files.path(`home-${++n}`);
  const paths = clientPaths({ ENROLL_HOME: folder }, folder);
  await saveConfig(paths, config);
  await saveCaChain(paths, caChain);
  return folder;
}

/** What the client keeps of its requests: request folders (numbers) and pending keys (.pending-*). */
const kept = (folder: string): string[] => {
  try {
    return readdirSync(join(folder, 'requests', config.packageId)).filter((name) => name !== 'reported.json');
  } catch {
    return [];
  }
};

const submits = (): string[] => api.calls.filter((c) => c.method === 'POST').map((c) => c.url);

beforeAll(async () => {
  caChain = (await makeTestCa()).chainPem;
  api = await startContractApi(caChain);
  config = packageFile(api.url, `https://127.0.0.1:${await closedPort()}`);
});
beforeEach(() => {
  api.calls.length = 0;
  api.requests.length = 0;
  api.dryRun = { status: 200, body: PREVIEW };
});
afterAll(async () => {
  await api.close();
  files.cleanup();
});

describe('enroll submit without a terminal', () => {
  it('names every missing required option in one usage error (exit 2), in --json too, and sends nothing', async () => {
    const folder = await home();
    const result = await cli(folder, ['submit', '--locality', 'Paris', '--requested-by', REQUESTER]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Error: Missing required options: --state, --email, --phone, --description (in a terminal, enroll submit asks for them).',
    );
    const json = await cli(folder, ['submit', ...FLAGS, '--json']);
    expect(json.code).toBe(2);
    expect(json.json()).toEqual({ error: expect.objectContaining({ code: 'OPTIONS_MISSING', exitCode: 2 }) });
    expect(api.calls).toEqual([]);
  });

  it('marks the required options in --help', async () => {
    const help = await cli(files.path('help'), ['submit', '--help']);
    for (const flag of ['--locality', '--state', '--email', '--phone', '--description']) {
      expect(help.stdout).toMatch(new RegExp(`${flag} <[a-z]+>\\s+\\(required\\) `));
    }
  });
});

describe('enroll submit --dry-run', () => {
  it("shows the service's preview, sends no real submission and keeps no key (exit 0)", async () => {
    const folder = await home();
    const result = await cli(folder, ['submit', ...ALL_FLAGS, '--dry-run']);
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Subject                    ${READABLE_SUBJECT}`);
    expect(result.stdout).toContain('Replaces                   your open request Id 41 (it will be cancelled)');
    expect(result.stdout).toContain('Dry run: nothing was submitted.');
    expect(submits()).toEqual(['/api/v1/enrollment/requests?dryRun=true']);
    expect(kept(folder)).toEqual([]);
  });

  it('exits 1 when the service says the request would be rejected', async () => {
    api.dryRun = {
      status: 200,
      body: { ...PREVIEW, verdict: 'Rejected', rejectionReason: 'The key was compromised.' },
    };
    const result = await cli(await home(), ['submit', ...ALL_FLAGS, '--dry-run', '--json']);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({ dryRun: true, preview: { verdict: 'Rejected' } });
  });

  it('keeps the key of a request that an API without dry runs stored anyway, and says so', async () => {
    api.dryRun = { status: 201, body: wireRequest(77, 'Pending') };
    const folder = await home();
    const result = await cli(folder, ['submit', ...ALL_FLAGS, '--dry-run']);
    expect(result.stderr).toContain(
      'Warning: the service does not know dry runs (an older API): it has stored the request.',
    );
    expect(result.stdout).toContain('The new certificate request has been submitted successfully for request Id 77.');
    expect(kept(folder)).toEqual(['77']);
  });
});

/** Runs the client in a pseudo-terminal, its answers typed ahead on the terminal's input. */
function inTerminal(
  folder: string,
  args: string[],
  answers: string[],
  subcommand = 'submit',
): Promise<{ code: number | null; output: string }> {
  const command = [TSX, MAIN, subcommand, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: {
      PATH: process.env.PATH,
      HOME: folder,
      ENROLL_HOME: folder,
      ENROLL_MACHINE_STORE: join(folder, 'machine-store'),
      ENROLL_TIMEOUT_MS: '5000',
      TERM: 'dumb',
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stdin.write(answers.map((line) => `${line}\n`).join(''));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('enroll submit in a terminal', () => {
  it('shows the read-only fields, asks for the missing ones (again for a bad e-mail), previews, then submits on yes', async () => {
    const folder = await home();
    const answers = [
      'Paris',
      'Ile-de-France',
      'not an address',
      'alice@laposte.example',
      '',
      '+33 1 23',
      'Front desk PC',
      'y',
    ];
    const { code, output } = await inTerminal(folder, ['--requested-by', REQUESTER], answers);
    const text = output.replace(/\r/g, '');
    expect(text).toMatch(/Organization \(O\) +J1CFRA \(France-LA POSTE\)/);
    expect(text).toMatch(/Organizational unit \(OU\) +Workstation/);
    expect(text).toContain('Locality / city (L): ');
    expect(text).toContain('  an e-mail address is expected');
    expect(text).toContain('Key length (2048, 3072, 4096) [2048]: ');
    expect(text).toContain(`Subject                    ${READABLE_SUBJECT}`);
    expect(text).toContain('Submit this request? [Y/n]');
    expect(text).toMatch(/The new certificate request has been submitted successfully for request Id 1000\./);
    expect(code).toBe(0);
    expect(submits()).toEqual(['/api/v1/enrollment/requests?dryRun=true', '/api/v1/enrollment/requests']);
    const sent = JSON.parse(api.calls.at(-1)?.body ?? '{}') as { phone: string; description: string; csr: string };
    expect(sent).toMatchObject({ phone: '+33 1 23', description: 'Front desk PC' });
    expect(sent.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(kept(folder)).toEqual(['1000']);
  }, 60_000);

  it('asks only for what the options left out, and sends nothing when the answer is no (exit 1, no key kept)', async () => {
    const folder = await home();
    const { code, output } = await inTerminal(
      folder,
      [...FLAGS, '--key-length', '3072', '--requested-by', REQUESTER],
      ['+33 1 23', 'Front desk PC', 'n'],
    );
    const text = output.replace(/\r/g, '');
    expect(text).not.toContain('Locality / city (L)');
    expect(text).not.toContain('Key length');
    expect(text).toContain('Phone (where the approver can reach you): ');
    expect(text).toContain('Nothing was submitted.');
    expect(code).toBe(1);
    expect(submits()).toEqual(['/api/v1/enrollment/requests?dryRun=true']);
    expect(kept(folder)).toEqual([]);
  }, 60_000);
});

describe('enroll external in a terminal', () => {
  const csr = (): string => {
    const made = openssl([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      '/dev/null',
      '-subj',
      '/C=FR/O=J1CFRA/CN=api.laposte.example',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]);
    return files.write(`api-${++n}.csr`, made.stdout);
  };

  it('without a terminal, names every missing detail of the other server in one usage error (exit 2), sending nothing', async () => {
    const result = await cli(await home(), [
      'external',
      '--csr',
      csr(),
      '--mac',
      '00:1A:2B:3C:4D:5E',
      '--requested-by',
      REQUESTER,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Error: Missing required options: --nic, --processor-id, --os-version, --os-type, --phone, --description (in a terminal, enroll external asks for them).',
    );
    expect(api.calls).toEqual([]);
  });

  it('shows the CSR, asks for the missing details (again for a bad MAC), offers the CN as FQDN and 64-bit, and submits on yes', async () => {
    const folder = await home();
    const answers = [
      '',
      'not a mac',
      '00-1a-2b-3c-4d-5e',
      '{4D36E972-E325-11CE-BFC1-08002BE10318}',
      'BFEBFBFF000906EA',
    ];
    const { code, output } = await inTerminal(
      folder,
      ['--csr', csr(), '--requested-by', REQUESTER],
      [...answers, 'Debian 12', '', '+33 1 23', 'Public web front', 'y'],
      'external',
    );
    const text = output.replace(/\r/g, '');
    expect(text).toMatch(/Subject +CN=api.laposte.example, O=J1CFRA, C=FR/);
    expect(text).toContain("The other server's FQDN [api.laposte.example]: ");
    expect(text).toContain('  a MAC address such as 00:1A:2B:3C:4D:5E is expected');
    expect(text).toContain('Its OS type (64 or 32 bit) [64]: ');
    expect(text).toContain('Submit this request? [Y/n]');
    expect(text).toMatch(/The new certificate request has been submitted successfully for request Id \d+\./);
    expect(code).toBe(0);
    expect(submits()).toEqual(['/api/v1/enrollment/requests']);
    expect(JSON.parse(api.calls.at(-1)?.body ?? '{}')).toMatchObject({
      kind: 'external',
      phone: '+33 1 23',
      description: 'Public web front',
      device: {
        fqdn: 'api.laposte.example',
        machineName: 'api',
        macAddress: '00:1A:2B:3C:4D:5E',
        nicId: '{4D36E972-E325-11CE-BFC1-08002BE10318}',
        processorId: 'BFEBFBFF000906EA',
        osVersion: 'Debian 12',
        osType: '64-bit',
      },
    });
  }, 60_000);

  it('sends nothing when the answer is no (exit 1)', async () => {
    const { code, output } = await inTerminal(
      await home(),
      [
        '--csr',
        csr(),
        '--fqdn',
        'api.laposte.example',
        '--mac',
        '00:1A:2B:3C:4D:5E',
        '--nic',
        'eth0',
        '--processor-id',
        'X',
      ],
      ['Debian 12', '32', '+33 1 23', 'Public web front', 'n'],
      'external',
    );
    expect(output.replace(/\r/g, '')).toContain('Nothing was submitted.');
    expect(code).toBe(1);
    expect(submits()).toEqual([]);
  }, 60_000);
});
