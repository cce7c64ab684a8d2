import { randomBytes } from 'node:crypto';
import { readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { filesIn, type InstalledFiles } from './cert-store';

/**
 * `<store>/current`: the stable entry that services are configured with once
 * (`<store>/current/fullchain.pem`, `key.pem`, `cert.pem`, `chain.pem`, `bundle.p12`). It is a
 * symbolic link to the install folder of the certificate in use, switched by renaming a new link
 * over it (rename(2) is atomic): a reader finds the old pair or the new pair, never a mix of a
 * certificate and a key that do not match, and the previous folder stays until it is removed.
 */
export const currentEntry = (storeDir: string): string => join(storeDir, 'current');

export const currentFiles = (storeDir: string): InstalledFiles => filesIn(currentEntry(storeDir));

/** The install folder name `current` points to (`request-<id>`), if any. */
export async function currentTarget(storeDir: string): Promise<string | undefined> {
  try {
    return basename(await readlink(currentEntry(storeDir)));
  } catch {
    return undefined;
  }
}

/** The request id `current` points to, if any. */
export async function currentRequestId(storeDir: string): Promise<number | undefined> {
  const match = /^request-(\d+)$/.exec((await currentTarget(storeDir)) ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Points `current` at an install folder of the same store. The link is relative, so that a store
 * moved or mounted elsewhere stays whole. On Windows a directory junction is used (no privilege
 * needed); it is replaced by remove-then-rename there, which is not atomic.
 */
export async function switchCurrent(storeDir: string, folder: string, platform: NodeJS.Platform): Promise<void> {
  const entry = currentEntry(storeDir);
  const temporary = join(storeDir, `.current.${randomBytes(6).toString('hex')}.tmp`);
  if (platform === 'win32') {
    await symlink(folder, temporary, 'junction');
    await rm(entry, { force: true, recursive: false }).catch(() => undefined);
  } else {
    await symlink(basename(folder), temporary, 'dir');
  }
  try {
    await rename(temporary, entry);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
