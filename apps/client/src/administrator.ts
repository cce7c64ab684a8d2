import type { ClientConfig } from './client-config';
import type { Context } from './context';
import { UsageError } from './errors';

/**
 * A machine package installs for the whole computer, into a system-wide folder that only root (an
 * administrator on Windows) may write: say so before anything is fetched, as the original client
 * does ("run as administrator"), instead of failing half-way with EACCES. ENROLL_MACHINE_STORE
 * (a folder of one's own, for tests and trials) lifts the check.
 */
export function requireAdministrator(ctx: Context, config: ClientConfig): void {
  if (config.store !== 'machine' || !ctx.paths.machineStoreIsSystem || ctx.platform === 'win32') {
    return;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new UsageError(
      'ADMINISTRATOR_REQUIRED',
      `This is a machine package: its certificate is installed for the whole computer in ${ctx.paths.machineStore}, which only root may write. Run \`sudo enroll ${ctx.command}\` (or set ENROLL_MACHINE_STORE to a folder of your own to try it).`,
    );
  }
}
