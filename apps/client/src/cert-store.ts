import { createPrivateKey, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateStore } from '@enroll/domain';
import { certificatesToPem, toPkcs12 } from '@enroll/pki';
import {
  ensureDir,
  PRIVATE_DIR,
  PRIVATE_FILE,
  PUBLIC_DIR,
  PUBLIC_FILE,
  readTextIfExists,
  writeFileAtomic,
} from './fs-util';
import { shareWithGroup, type KeyGroup } from './key-group';
import { installFolder } from './paths';

/** The files of one installed certificate, in `<store>/request-<id>/`. */
export interface InstalledFiles {
  readonly folder: string;
  /** The device certificate alone. */
  readonly certificate: string;
  /** The CA chain (issuing CA, then root). */
  readonly chain: string;
  /** Certificate then chain: what most TLS software wants. */
  readonly fullchain: string;
  /** The private key, PKCS #8 PEM, mode 0600. */
  readonly key: string;
  /** Key, certificate and chain as PKCS #12 (for Java key stores, browsers, Windows import). */
  readonly pkcs12: string;
  /** The PKCS #12 password when the client chose it (mode 0600). */
  readonly pkcs12Password: string;
}

export const installedFiles = (storeDir: string, requestId: number): InstalledFiles =>
  filesIn(installFolder(storeDir, requestId));

/** The file names inside one install folder. */
export function filesIn(folder: string): InstalledFiles {
  return {
    folder,
    certificate: join(folder, 'cert.pem'),
    chain: join(folder, 'chain.pem'),
    fullchain: join(folder, 'fullchain.pem'),
    key: join(folder, 'key.pem'),
    pkcs12: join(folder, 'bundle.p12'),
    pkcs12Password: join(folder, 'bundle.p12.password'),
  };
}

export interface InstallInput {
  readonly storeDir: string;
  readonly store: CertificateStore;
  readonly requestId: number;
  readonly keyPem: string;
  readonly leaf: Buffer;
  readonly chain: readonly Buffer[];
  /** Given with --p12-password or ENROLL_P12_PASSWORD; otherwise one is generated and saved beside the bundle. */
  readonly pkcs12Password?: string | undefined;
  readonly friendlyName: string;
  /** A machine store only: the group (a service's) that may read the key material too (0640). */
  readonly keyGroup?: KeyGroup | undefined;
}

/**
 * Installs a certificate with its key into a store. The machine store is readable by the device's
 * services (folders 0755, certificates 0644); the user store is the user's alone (folders 0700).
 * Key material is 0600 in both, or, in the machine store with the `keyGroup` setting, 0640 and
 * owned by that group so that a service running under it can read its key. The certificate is
 * written last, so that a reader that finds cert.pem also finds its key.
 */
export async function installCertificate(input: InstallInput): Promise<InstalledFiles> {
  const files = installedFiles(input.storeDir, input.requestId);
  const folderMode = input.store === 'machine' ? PUBLIC_DIR : PRIVATE_DIR;
  await ensureDir(input.storeDir, folderMode);
  await ensureDir(files.folder, folderMode);
  const password =
    input.pkcs12Password ??
    (await readTextIfExists(files.pkcs12Password))?.trim() ??
    randomBytes(18).toString('base64url');
  const pkcs12 = toPkcs12({
    privateKey: createPrivateKey(input.keyPem),
    certificates: [input.leaf, ...input.chain],
    password,
    friendlyName: input.friendlyName,
  });
  await writeFileAtomic(files.key, input.keyPem, PRIVATE_FILE);
  await writeFileAtomic(files.pkcs12, pkcs12, PRIVATE_FILE);
  if (input.pkcs12Password === undefined) {
    await writeFileAtomic(files.pkcs12Password, `${password}\n`, PRIVATE_FILE);
  } else {
    // A password file from an earlier install would no longer open this bundle.
    await rm(files.pkcs12Password, { force: true });
  }
  if (input.store === 'machine' && input.keyGroup !== undefined) {
    const shared = [files.key, files.pkcs12, ...(input.pkcs12Password === undefined ? [files.pkcs12Password] : [])];
    await shareWithGroup(shared, input.keyGroup);
  }
  await writeFileAtomic(files.chain, certificatesToPem(input.chain), PUBLIC_FILE);
  await writeFileAtomic(files.fullchain, certificatesToPem([input.leaf, ...input.chain]), PUBLIC_FILE);
  await writeFileAtomic(files.certificate, certificatesToPem([input.leaf]), PUBLIC_FILE);
  return files;
}
