import { spawnSync } from 'node:child_process';
import { chmod, chown } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { UsageError } from './errors';

/** A group that may read a machine store's keys: a service's (nginx's www-data, say). */
export interface KeyGroup {
  readonly name: string;
  readonly gid: number;
}

/** The group's id: `getent group` (which also asks LDAP or SSSD), else /etc/group. */
export function resolveKeyGroup(name: string, platform: NodeJS.Platform = process.platform): KeyGroup {
  if (platform === 'win32') {
    throw new UsageError(
      'KEY_GROUP_UNSUPPORTED',
      'keyGroup is for Linux and macOS: on Windows, grant the service account read access to the key with icacls.',
    );
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/.test(name)) {
    throw new UsageError('SETTINGS_INVALID', `"keyGroup" must be a group name, not ${JSON.stringify(name)}.`);
  }
  const getent = spawnSync('getent', ['group', name], { encoding: 'utf8' });
  const line =
    getent.status === 0
      ? getent.stdout.trim()
      : (() => {
          try {
            return readFileSync('/etc/group', 'utf8')
              .split('\n')
              .find((l) => l.startsWith(`${name}:`));
          } catch {
            return undefined;
          }
        })();
  const gid = Number(line?.split(':')[2]);
  if (!line || !Number.isInteger(gid)) {
    throw new UsageError(
      'KEY_GROUP_UNKNOWN',
      `"keyGroup" names ${name}, which is not a group on this system: create it, or correct settings.json.`,
    );
  }
  return { name, gid };
}

/**
 * Lets the group read a machine store's key material: group-owned, mode 0640 (the owner, root,
 * keeps writing it). Without a group, the files stay 0600.
 */
export async function shareWithGroup(files: readonly string[], group: KeyGroup): Promise<void> {
  for (const file of files) {
    await chown(file, -1, group.gid);
    await chmod(file, 0o640);
  }
}
