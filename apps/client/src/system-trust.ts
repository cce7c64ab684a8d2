import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { ClientConfig } from './client-config';
import { splitPemCertificates } from './config-store';
import type { Context } from './context';
import { UsageError } from './errors';
import { exists, PUBLIC_FILE, writeFileAtomic } from './fs-util';
import { safeFileName } from './paths';

/**
 * `--trust-system` (issue 13): a `machine` package may add the centre's root CA to the system's
 * trust store, so that every program of the computer (curl, apt, Python, Java with the system
 * store) trusts the servers the CA issued. Only when asked, only as root. Debian and Ubuntu:
 * `/usr/local/share/ca-certificates/enroll-<organization>.crt` and `update-ca-certificates`.
 * The root alone is added: an anchor; servers send the issuing CA with their certificate.
 *
 * For tests only, ENROLL_TEST_SYSTEM_CA_DIR and ENROLL_TEST_UPDATE_CA_COMMAND replace the folder
 * and the command, so that a test never touches the real trust store.
 */
export const SYSTEM_CA_DIR = '/usr/local/share/ca-certificates';
export const UPDATE_CA_COMMAND = 'update-ca-certificates';

const OTHER_SYSTEMS =
  'On Fedora, RHEL and SUSE: copy it to /etc/pki/ca-trust/source/anchors/ (SUSE: /etc/pki/trust/anchors/) and run `update-ca-trust` (SUSE: `update-ca-certificates`); on macOS: `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain <file>`; on Windows, as administrator: `certutil -addstore Root <file>`.';

export interface SystemTrustResult {
  readonly ok: boolean;
  /** The file written into the system's folder (when it was). */
  readonly file?: string;
  readonly message: string;
}

/** Refuses --trust-system before any work when it cannot be done: a user package, or not root. */
export function checkTrustSystem(ctx: Context, config: ClientConfig): void {
  if (config.store !== 'machine') {
    throw new UsageError(
      'TRUST_SYSTEM_MACHINE_ONLY',
      "--trust-system is for a machine package (the whole computer); this package's store is `user`: its CA is added to this account's browser database instead.",
    );
  }
  if (ctx.platform !== 'win32' && typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new UsageError(
      'ADMINISTRATOR_REQUIRED',
      `--trust-system changes the trust store of the whole computer, which only root may do: run \`sudo enroll ${ctx.command} --trust-system\`.`,
    );
  }
}

function runCommand(ctx: Context, command: string): Promise<{ ok: boolean; output: string; missing: boolean }> {
  const env = Object.fromEntries(
    Object.entries(ctx.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return new Promise((resolve) => {
    const child = spawn(command, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, output: error.message, missing: error.code === 'ENOENT' }),
    );
    child.on('close', (status) => resolve({ ok: status === 0, output: output.trim(), missing: false }));
  });
}

/** Adds the root of the client folder's CA chain to the system trust store (see above). */
export async function addToSystemTrust(
  ctx: Context,
  config: ClientConfig,
  caChainPem: string,
): Promise<SystemTrustResult> {
  const certificates = splitPemCertificates(caChainPem).map((pem) => new X509Certificate(pem));
  // The self-signed one (ca.pem lists the issuing CA, then the root).
  const root = certificates.find((c) => c.subject === c.issuer && c.verify(c.publicKey)) ?? certificates.at(-1);
  if (root === undefined) {
    return {
      ok: false,
      message: `The CA chain in ${ctx.paths.caChainFile} holds no certificate: run \`enroll init\` again.`,
    };
  }
  const name = `enroll-${safeFileName(config.organization.code)}.crt`;
  const testDir = ctx.env.ENROLL_TEST_SYSTEM_CA_DIR?.trim();
  const directory = testDir || SYSTEM_CA_DIR;
  const command = ctx.env.ENROLL_TEST_UPDATE_CA_COMMAND?.trim() || UPDATE_CA_COMMAND;
  const where = `the root CA (${root.subject.replace(/\n/g, ', ')}, SHA-256 ${root.fingerprint256})`;
  if ((ctx.platform !== 'linux' && !testDir) || !(await exists(directory))) {
    return {
      ok: false,
      message: `The system trust store was not changed: this system has no ${directory} (Debian, Ubuntu). Add ${where} from ${ctx.paths.caChainFile} (the last certificate) yourself. ${OTHER_SYSTEMS}`,
    };
  }
  const file = join(directory, name);
  await writeFileAtomic(file, root.toString(), PUBLIC_FILE);
  const ran = await runCommand(ctx, command);
  if (!ran.ok) {
    return {
      ok: false,
      file,
      message: ran.missing
        ? `${file} was written, but \`${command}\` is not installed (Debian, Ubuntu: \`apt install ca-certificates\`), so the system does not trust it yet. ${OTHER_SYSTEMS}`
        : `${file} was written, but \`${command}\` failed: ${ran.output.split('\n').pop() ?? ''}`,
    };
  }
  return { ok: true, file, message: `The system trusts ${where}: ${file} (${command} ran).` };
}
