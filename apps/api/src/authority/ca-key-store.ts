import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCertificateAuthority,
  loadCertificateAuthority,
  type CertificateAuthority,
  type KeyAlgorithm,
  type StoredCertificateAuthority,
} from '@enroll/pki';
import type { AppConfig } from '../config/app-config';

/** The Nest token of the deployment's CaKeyStore. */
export const CA_KEY_STORE = Symbol('CA_KEY_STORE');

/**
 * Where the CA's private keys live, and the one seam through which they are made and loaded.
 * The rest of the API sees a loaded CertificateAuthority, whose issuing key is a Signer: a
 * hardware module implements this interface (keys made and kept in the token, the stored
 * "key" a reference to it) without touching any caller.
 */
export interface CaKeyStore {
  /** Says where the keys are, for the start-up log. */
  readonly description: string;
  /** Makes the root and issuing CA at first start; the result is stored in certificate_authorities. */
  create(now: Date, algorithm: KeyAlgorithm): Promise<StoredCertificateAuthority>;
  /** Loads the stored CA with a signer for the issuing key. */
  load(stored: StoredCertificateAuthority): Promise<CertificateAuthority>;
}

/** Software keys: PKCS #8, encrypted under a passphrase, stored in the database. */
export class SoftwareCaKeyStore implements CaKeyStore {
  readonly description = 'software keys, encrypted in the database';

  constructor(private readonly passphrase: () => string) {}

  create(now: Date, algorithm: KeyAlgorithm): Promise<StoredCertificateAuthority> {
    return createCertificateAuthority({ passphrase: this.passphrase(), now, keyAlgorithm: algorithm });
  }

  load(stored: StoredCertificateAuthority): Promise<CertificateAuthority> {
    return Promise.resolve(loadCertificateAuthority(stored, this.passphrase()));
  }
}

/** The key store the configuration asks for: today software keys under ENROLL_CA_PASSPHRASE. */
export function caKeyStoreFor(config: AppConfig): CaKeyStore {
  let passphrase: string | undefined;
  return new SoftwareCaKeyStore(() => (passphrase ??= passphraseOf(config)));
}

/** ENROLL_CA_PASSPHRASE, or one generated once into the data folder (0600) with a warning. */
function passphraseOf(config: AppConfig): string {
  if (config.caPassphrase) {
    return config.caPassphrase;
  }
  const file = join(config.dataDir, 'ca-passphrase');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    new Logger('CaKeyStore').warn(
      `ENROLL_CA_PASSPHRASE is not set: generated one into ${file} (mode 0600). Set ENROLL_CA_PASSPHRASE in production and keep it apart from the database.`,
    );
  }
  return readFileSync(file, 'utf8').trim();
}
