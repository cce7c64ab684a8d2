import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decryptPrivateKey, encryptPrivateKey, rootCa, type RootCa } from '@enroll/pki';
import type { AppConfig } from '../config/app-config';

/**
 * The root CA's key file: the root key encrypted under its own passphrase (PBKDF2-SHA256 at
 * 600,000 iterations), apart from the database. The running API writes it once, at bootstrap
 * (or when it moves an older installation's root key out of the database), and never reads it:
 * only ceremonies do (`npm run ca`). An operator moves it offline.
 */
export interface RootKeyFile {
  readonly path: string;
  readonly passphrase: () => string;
  /** Whether the passphrase is the CA passphrase because ENROLL_ROOT_PASSPHRASE is unset. */
  readonly sharesCaPassphrase: boolean;
}

export function rootKeyFileOf(config: AppConfig, caPassphrase: () => string): RootKeyFile {
  const own = config.rootPassphrase;
  return {
    path: config.rootKeyFile,
    passphrase: own ? () => own : caPassphrase,
    sharesCaPassphrase: own === undefined,
  };
}

/**
 * Writes the root key, never over another file: an existing file must already hold this very
 * key (a bootstrap that was interrupted after writing it), else writing is refused.
 */
export async function writeRootKey(file: RootKeyFile, key: KeyObject): Promise<void> {
  if (existsSync(file.path)) {
    const existing = readRootKeyObject(file);
    const same = createPublicKey(existing)
      .export({ format: 'der', type: 'spki' })
      .equals(createPublicKey(key).export({ format: 'der', type: 'spki' }));
    if (!same) {
      throw new Error(`${file.path} holds another root key: move it away before the CA can be created here.`);
    }
    return;
  }
  mkdirSync(dirname(file.path), { recursive: true, mode: 0o700 });
  writeFileSync(file.path, await encryptPrivateKey(key, file.passphrase()), { mode: 0o600, flag: 'wx' });
}

function readRootKeyObject(file: RootKeyFile): KeyObject {
  if (!existsSync(file.path)) {
    throw new Error(
      `The root key file ${file.path} is not there: give its path with ENROLL_ROOT_KEY_FILE (or --root-key).`,
    );
  }
  return decryptPrivateKey(readFileSync(file.path, 'utf8'), file.passphrase());
}

/** For ceremonies only: the root key with its certificate. */
export function readRootKey(file: RootKeyFile, certificatePem: string): RootCa {
  return rootCa(readRootKeyObject(file), certificatePem);
}
