import { join } from 'node:path';
import { UsageError } from './errors';
import { readTextIfExists } from './fs-util';
import type { ClientPaths, Env } from './paths';

/**
 * Settings of the client folder (`<client folder>/settings.json`), for what a timer runs without
 * flags. A flag wins over the environment, which wins over the file.
 *
 * ```json
 * { "exec": "systemctl reload nginx", "renewWhenRemaining": "33%", "keyGraceDays": 14, "browserStore": true,
 *   "keyGroup": "www-data" }
 * ```
 */
export interface Settings {
  /** A shell command run after each install (`--exec`, `ENROLL_EXEC`). Default none. */
  readonly exec?: string;
  /** When `renew --if-due` renews: `33%` of the lifetime left (default), or `30d`. */
  readonly renewWhenRemaining?: string;
  /** Days before the keys of cancelled, rejected and superseded requests are removed. Default 14. */
  readonly keyGraceDays?: number;
  /** false: a `user` package's certificate is not added to the browsers' databases (`--no-browser-store`). Default true. */
  readonly browserStore?: boolean;
  /** A machine store only: the group whose services may read the keys (0640, group-owned). Default none (0600). */
  readonly keyGroup?: string;
}

export const DEFAULT_KEY_GRACE_DAYS = 14;

export const settingsFile = (paths: ClientPaths): string => join(paths.home, 'settings.json');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads settings.json (absent: no settings), then the environment's overrides. */
export async function loadSettings(paths: ClientPaths, env: Env): Promise<Settings> {
  const file = settingsFile(paths);
  const text = await readTextIfExists(file);
  let value: unknown = {};
  if (text !== undefined) {
    try {
      value = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      throw new UsageError('SETTINGS_INVALID', `${file} is not a JSON file.`);
    }
  }
  if (!isRecord(value)) {
    throw new UsageError('SETTINGS_INVALID', `${file} must hold a JSON object.`);
  }
  const { exec, renewWhenRemaining, keyGraceDays, browserStore, keyGroup } = value;
  if (keyGroup !== undefined && (typeof keyGroup !== 'string' || keyGroup.trim() === '')) {
    throw new UsageError('SETTINGS_INVALID', `${file}: "keyGroup" must be a group name (text).`);
  }
  if (browserStore !== undefined && typeof browserStore !== 'boolean') {
    throw new UsageError('SETTINGS_INVALID', `${file}: "browserStore" must be true or false.`);
  }
  if (exec !== undefined && typeof exec !== 'string') {
    throw new UsageError('SETTINGS_INVALID', `${file}: "exec" must be a command line (text).`);
  }
  if (renewWhenRemaining !== undefined && typeof renewWhenRemaining !== 'string') {
    throw new UsageError('SETTINGS_INVALID', `${file}: "renewWhenRemaining" must be text such as "33%" or "30d".`);
  }
  if (
    keyGraceDays !== undefined &&
    (typeof keyGraceDays !== 'number' || !Number.isInteger(keyGraceDays) || keyGraceDays < 0)
  ) {
    throw new UsageError('SETTINGS_INVALID', `${file}: "keyGraceDays" must be a whole number of days (0 or more).`);
  }
  const envExec = env.ENROLL_EXEC?.trim() ? env.ENROLL_EXEC : undefined;
  const envRemaining = env.ENROLL_RENEW_WHEN_REMAINING?.trim() ? env.ENROLL_RENEW_WHEN_REMAINING : undefined;
  const resolvedExec = envExec ?? exec;
  const resolvedRemaining = envRemaining ?? renewWhenRemaining;
  return {
    ...(resolvedExec ? { exec: resolvedExec } : {}),
    ...(resolvedRemaining ? { renewWhenRemaining: resolvedRemaining } : {}),
    ...(keyGraceDays === undefined ? {} : { keyGraceDays }),
    ...(browserStore === undefined ? {} : { browserStore }),
    ...(typeof keyGroup === 'string' ? { keyGroup: keyGroup.trim() } : {}),
  };
}
