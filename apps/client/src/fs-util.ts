import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** Private files: keys, the package token, PKCS #12 passwords. */
export const PRIVATE_FILE = 0o600;
/** Certificates and other public material. */
export const PUBLIC_FILE = 0o644;
export const PRIVATE_DIR = 0o700;
export const PUBLIC_DIR = 0o755;

const isMissing = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';

/** Creates a folder (and its parents); the mode is applied to the last one even when it exists. */
export async function ensureDir(path: string, mode: number): Promise<void> {
  await mkdir(path, { recursive: true, mode });
  // mkdir's mode is filtered by the umask and ignored for existing folders: set it explicitly.
  await chmod(path, mode);
}

/**
 * Writes a file so that readers see the old content or the new, never half of it, and so that
 * a private file is never readable by others, not even for a moment: the temporary file is
 * created with its final mode (O_EXCL), then renamed over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { mode, flag: 'wx' });
    await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A file's text, or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) {
      return undefined;
    }
    throw error;
  }
}

/** Whether a file or folder exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isMissing(error)) {
      return false;
    }
    throw error;
  }
}
