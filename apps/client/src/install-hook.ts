import { spawn } from 'node:child_process';
import type { InstalledFiles } from './cert-store';
import type { Context } from './context';

/** What the hook is told about the install, in its environment. */
export interface HookInput {
  readonly command: string;
  readonly requestId: number;
  readonly serialNumber: string;
  readonly notAfter: string;
  /** The stable paths (`<store>/current/...`) when this install is the current one, else its own folder's. */
  readonly files: InstalledFiles;
}

export interface HookResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly message: string;
}

const HOOK_TIMEOUT_MS = 5 * 60_000;

/**
 * Runs the `--exec` hook through the system shell after an install, e.g. `systemctl reload nginx`.
 * Its output goes to stderr (stdout stays the command's own, parseable under --json). A hook that
 * fails does not undo the install: the certificate is in place, the service was not told.
 */
export function runHook(ctx: Context, input: HookInput): Promise<HookResult> {
  const env = {
    ...Object.fromEntries(Object.entries(ctx.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    ENROLL_REQUEST_ID: String(input.requestId),
    ENROLL_SERIAL: input.serialNumber,
    ENROLL_NOT_AFTER: input.notAfter,
    ENROLL_FOLDER: input.files.folder,
    ENROLL_CERT: input.files.certificate,
    ENROLL_KEY: input.files.key,
    ENROLL_CHAIN: input.files.chain,
    ENROLL_FULLCHAIN: input.files.fullchain,
    ENROLL_PKCS12: input.files.pkcs12,
  };
  return new Promise((resolve) => {
    const child = spawn(input.command, {
      shell: true,
      env,
      cwd: ctx.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const forward = (chunk: Buffer): void => ctx.out.passthrough(chunk.toString('utf8'));
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    const timer = setTimeout(() => child.kill(), HOOK_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({
        ok: false,
        exitCode: null,
        message: `The hook \`${input.command}\` could not be started: ${error.message}`,
      });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(
        code === 0
          ? { ok: true, exitCode: 0, message: `The hook \`${input.command}\` ran.` }
          : {
              ok: false,
              exitCode: code,
              message: `The hook \`${input.command}\` failed (${signal ? `signal ${signal}` : `exit code ${code ?? '?'}`}); the certificate is installed all the same.`,
            },
      );
    });
  });
}
