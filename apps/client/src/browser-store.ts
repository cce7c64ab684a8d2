import { spawn } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { certificatesToPem } from '@enroll/pki';
import type { Context } from './context';
import { ensureDir, exists, PRIVATE_DIR, PRIVATE_FILE, writeFileAtomic } from './fs-util';

/**
 * The browsers' certificate databases of a `user` package's account (issue 13): on Linux,
 * Chromium reads the account's shared NSS database `$HOME/.pki/nssdb`, and each Firefox profile
 * has its own (`cert9.db` in the profile folder). The certificate with its key goes in with
 * `pk12util`, the CA chain with `certutil` (libnss3-tools), so that the browsers present the
 * certificate to the centre's web applications and trust the servers the CA issued.
 */

/** How the browsers know the certificate: `Enroll <organization> <CN>`, the same after a renewal. */
export const browserNickname = (organization: string, commonName: string): string =>
  `Enroll ${organization} ${commonName}`;

/** A CA's nickname: its common name, said to be Enroll's when the name does not say it. */
export function caNickname(certificate: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1]?.trim() ?? certificate.fingerprint256;
  return /^enroll\b/i.test(cn) ? cn : `Enroll CA ${cn}`;
}

/** The platforms whose browsers use NSS databases (Windows and macOS browsers use the system's store). */
export const usesNss = (platform: NodeJS.Platform): boolean => platform !== 'win32' && platform !== 'darwin';

export const NSS_TOOLS_HINT =
  'install them (Debian, Ubuntu: `sudo apt install libnss3-tools`; Fedora, RHEL: `sudo dnf install nss-tools`; Arch: `sudo pacman -S nss`)';

export interface BrowserStoreInput {
  readonly nickname: string;
  /** The PKCS #12 bundle of key, certificate and chain. */
  readonly pkcs12: string;
  readonly pkcs12Password: string;
  /** The CA chain, issuing CA first, root last (DER). */
  readonly chain: readonly Buffer[];
}

export interface BrowserStoreResult {
  /** Whether every database was updated. */
  readonly updated: boolean;
  /** The databases that now hold the certificate. */
  readonly databases: readonly string[];
  readonly nickname: string;
  /** The certificates (with their keys) under the same nickname that were replaced. */
  readonly replaced: number;
  /** The NSS tools are not installed: nothing was done (a warning, not a failure). */
  readonly toolsMissing: boolean;
  /** Why a database was not updated, when it was not. */
  readonly problem?: string;
}

interface ToolRun {
  readonly status: number | null;
  readonly output: string;
  readonly missing: boolean;
}

class ToolsMissing extends Error {}

/**
 * Runs an NSS tool without a shell and without a terminal: a database protected by a password
 * fails (NSS would ask on /dev/tty; a timer has none, and a person would be asked at every step).
 */
function runTool(ctx: Context, tool: string, args: readonly string[], input?: string): Promise<ToolRun> {
  const env = Object.fromEntries(
    Object.entries(ctx.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return new Promise((resolve) => {
    // detached: a session of its own, without the terminal, which NSS would open to ask for a password.
    const child = spawn(tool, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true });
    let output = '';
    const timer = setTimeout(() => child.kill(), 60_000);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ status: null, output: error.message, missing: error.code === 'ENOENT' });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output: output.trim(), missing: false });
    });
    child.stdin.end(input ?? '');
  });
}

async function tool(ctx: Context, name: string, args: readonly string[], input?: string): Promise<ToolRun> {
  const result = await runTool(ctx, name, args, input);
  if (result.missing) {
    throw new ToolsMissing(name);
  }
  return result;
}

const lastLine = (text: string): string => text.split('\n').filter(Boolean).pop() ?? 'no message';

/**
 * Whether the shared database holds the certificate of this serial number under the nickname:
 * `tools-missing` when certutil is not installed (nothing can be said, nor done).
 */
export async function heldInBrowsers(
  ctx: Context,
  nickname: string,
  serialNumber: string,
): Promise<boolean | 'tools-missing'> {
  const listed = await runTool(ctx, 'certutil', ['-L', '-d', `sql:${ctx.paths.nssDatabase}`, '-n', nickname, '-a']);
  if (listed.missing) {
    return 'tools-missing';
  }
  if (listed.status !== 0) {
    return false;
  }
  const blocks = listed.output.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.some((block) => new X509Certificate(block).serialNumber === serialNumber);
}

/** The Firefox profiles of the account that have an NSS database (the profile folders Firefox made). */
export async function firefoxProfiles(userHome: string): Promise<string[]> {
  const roots = [
    join(userHome, '.mozilla', 'firefox'),
    join(userHome, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
  ];
  const found: string[] = [];
  for (const root of roots) {
    const names = await readdir(root).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (await exists(join(root, name, 'cert9.db'))) {
        found.push(join(root, name));
      }
    }
  }
  return found;
}

/**
 * Puts one database in the state the browsers need: the CA chain (the root trusted for TLS
 * servers, `C,,`; the issuing CA known, trusted through the root), no older certificate under
 * the nickname (a renewal keeps the subject, and NSS files certificates of one subject under one
 * nickname: the browser would offer the old one too), then the new certificate with its key.
 */
async function updateDatabase(
  ctx: Context,
  directory: string,
  input: BrowserStoreInput,
  passwordFile: string,
): Promise<{ replaced: number; problem?: string }> {
  const db = `sql:${directory}`;
  for (const [index, der] of input.chain.entries()) {
    const certificate = new X509Certificate(der);
    const root = index === input.chain.length - 1;
    const added = await tool(
      ctx,
      'certutil',
      ['-A', '-d', db, '-n', caNickname(certificate), '-t', root ? 'C,,' : ',,', '-a'],
      certificatesToPem([der]),
    );
    if (added.status !== 0) {
      return {
        replaced: 0,
        problem: `certutil could not add the CA ${caNickname(certificate)}: ${lastLine(added.output)}`,
      };
    }
  }
  let replaced = 0;
  // Each -F removes one certificate of the nickname with its key; -D one left without a key.
  for (let round = 0; round < 50; round++) {
    const removed = await tool(ctx, 'certutil', ['-F', '-d', db, '-n', input.nickname]);
    if (removed.status !== 0 && (await tool(ctx, 'certutil', ['-D', '-d', db, '-n', input.nickname])).status !== 0) {
      break;
    }
    replaced++;
  }
  const imported = await tool(ctx, 'pk12util', ['-i', input.pkcs12, '-d', db, '-w', passwordFile]);
  if (imported.status !== 0) {
    return { replaced, problem: `pk12util could not import ${input.pkcs12}: ${lastLine(imported.output)}` };
  }
  return { replaced };
}

/**
 * Installs a `user` package's certificate into the account's browser databases: the shared NSS
 * database (made, without a password, when missing) and every existing Firefox profile. Missing
 * tools are said, not fatal: the certificate is installed in the store all the same.
 */
export async function updateBrowserStore(ctx: Context, input: BrowserStoreInput): Promise<BrowserStoreResult> {
  const shared = ctx.paths.nssDatabase;
  const base = { nickname: input.nickname, replaced: 0, databases: [] as string[] };
  // The bundle's password goes to pk12util in a file of the user's own, never on its command line.
  const passwordFile = join(ctx.paths.home, `.nss-import.${randomBytes(6).toString('hex')}.tmp`);
  try {
    if (!(await exists(join(shared, 'cert9.db')))) {
      await ensureDir(shared, PRIVATE_DIR);
      const made = await tool(ctx, 'certutil', ['-N', '--empty-password', '-d', `sql:${shared}`]);
      if (made.status !== 0) {
        return {
          ...base,
          updated: false,
          toolsMissing: false,
          problem: `certutil could not create ${shared}: ${lastLine(made.output)}`,
        };
      }
    }
    await ensureDir(ctx.paths.home, PRIVATE_DIR);
    await writeFileAtomic(passwordFile, `${input.pkcs12Password}\n`, PRIVATE_FILE);
    const databases: string[] = [];
    const problems: string[] = [];
    let replaced = 0;
    for (const directory of [shared, ...(await firefoxProfiles(ctx.paths.userHome))]) {
      const result = await updateDatabase(ctx, directory, input, passwordFile);
      replaced += result.replaced;
      if (result.problem === undefined) {
        databases.push(directory);
      } else {
        problems.push(`${directory}: ${result.problem}`);
      }
    }
    return {
      ...base,
      databases,
      replaced,
      updated: problems.length === 0,
      toolsMissing: false,
      ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
    };
  } catch (error) {
    if (error instanceof ToolsMissing) {
      return { ...base, updated: false, toolsMissing: true };
    }
    throw error;
  } finally {
    await rm(passwordFile, { force: true });
  }
}
