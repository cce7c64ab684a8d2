import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../cli';
import type { RunOptions } from '../context';
import type { DeviceInfo } from '../fingerprint';

/** The device every CLI test runs on: fixed, so that fingerprints and names are predictable. */
export const DEVICE: DeviceInfo = {
  machineName: 'ws-0042',
  fqdn: 'ws-0042.corp.example.org',
  macAddress: '02:FC:00:00:00:01',
  nicId: 'eth0',
  processorId: '00B00F21',
  osVersion: 'Debian GNU/Linux 12 (bookworm) (kernel 6.1.0)',
  osType: '64-bit',
};

export const REQUESTER = 'WS-0042\\alice';

/** A scratch folder for one test file, with the files it needs. */
export function scratch(): {
  dir: string;
  path: (name: string) => string;
  write: (name: string, data: string) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'enroll-client-'));
  return {
    dir,
    path: (name) => join(dir, name),
    write: (name, data) => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json runs), typed as the test expects it. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed parse is the point of this helper
  json<T = Record<string, unknown>>(): T;
}

/** Runs `enroll <argv>` in-process with a client folder, a fixed device and captured output. */
export async function cli(
  home: string,
  argv: readonly string[],
  extra: Partial<RunOptions> & { env?: Record<string, string> } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    collectDevice: () => Promise.resolve(DEVICE),
    cwd: home,
    ...extra,
    // The machine store inside the test's folder: the system-wide default takes root.
    env: {
      PATH: process.env.PATH,
      // The browsers' NSS database ($HOME/.pki/nssdb) inside the test's folder too, never the real account's.
      HOME: home,
      ENROLL_HOME: home,
      ENROLL_MACHINE_STORE: join(home, 'machine-store'),
      ENROLL_TIMEOUT_MS: '5000',
      ...extra.env,
    },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as above
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}

/** Runs openssl; tests assert on its output as an independent implementation. */
export function openssl(args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, input === undefined ? {} : { input });
  return {
    status: result.status ?? -1,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
  };
}
