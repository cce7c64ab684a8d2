import { Logger } from '@nestjs/common';
import { randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decryptPrivateKey,
  encryptPrivateKey,
  generatePrivateKey,
  KEY_ENCRYPTION_ITERATIONS,
  keyEncryptionIterations,
  SoftwareSigner,
  type KeyAlgorithm,
  type Signer,
} from '@enroll/pki';
import type { AppConfig } from '../config/app-config';
import { Pkcs11CaKeyStore, refusingTokenReferences } from './hsm';

/** The Nest token of the deployment's CaKeyStore. */
export const CA_KEY_STORE = Symbol('CA_KEY_STORE');

/** The issuing key as made: what to store in certificate_authorities, and its signer. */
export interface IssuingKey {
  readonly stored: string;
  readonly signer: Signer;
}

/**
 * Where the issuing CA's private key lives, and the one seam through which it is made and
 * loaded. The rest of the API sees a Signer: a hardware module implements this interface (the
 * key made and kept in the token, `stored` a reference to it) without touching any caller. The
 * root key is not here: it is offline, read only by ceremonies (see ceremony.ts).
 */
export interface CaKeyStore {
  /** Says where the key is, for the start-up log. */
  readonly description: string;
  createIssuingKey(algorithm: KeyAlgorithm): Promise<IssuingKey>;
  load(stored: string): Promise<Signer>;
  /** The stored form rewritten to today's protection, when the stored one is weaker; else undefined. */
  strengthen(stored: string): Promise<string | undefined>;
}

/**
 * Keys kept in software, encrypted under the CA passphrase (PBES2, PBKDF2-SHA256 at 600,000
 * iterations): the issuing key in the database, and the root's delegated OCSP responder's.
 */
export class SoftwareKeys {
  constructor(private readonly passphrase: () => string) {}

  async generate(algorithm: KeyAlgorithm): Promise<{ pem: string; signer: SoftwareSigner }> {
    const key = await generatePrivateKey(algorithm);
    return { pem: await encryptPrivateKey(key, this.passphrase()), signer: new SoftwareSigner(key) };
  }

  encrypt(key: KeyObject): Promise<string> {
    return encryptPrivateKey(key, this.passphrase());
  }

  signer(pem: string): SoftwareSigner {
    return new SoftwareSigner(decryptPrivateKey(pem, this.passphrase()));
  }

  async strengthen(pem: string): Promise<string | undefined> {
    if ((keyEncryptionIterations(pem) ?? 0) >= KEY_ENCRYPTION_ITERATIONS) {
      return undefined;
    }
    return encryptPrivateKey(decryptPrivateKey(pem, this.passphrase()), this.passphrase());
  }
}

/** The issuing key in software: PKCS #8, encrypted under the CA passphrase, in the database. */
export class SoftwareCaKeyStore implements CaKeyStore {
  readonly description = 'software issuing key, encrypted in the database';

  constructor(private readonly keys: SoftwareKeys) {}

  async createIssuingKey(algorithm: KeyAlgorithm): Promise<IssuingKey> {
    const { pem, signer } = await this.keys.generate(algorithm);
    return { stored: pem, signer };
  }

  load(stored: string): Promise<Signer> {
    return Promise.resolve(this.keys.signer(stored));
  }

  strengthen(stored: string): Promise<string | undefined> {
    return this.keys.strengthen(stored);
  }
}

/** ENROLL_CA_PASSPHRASE, or one generated once into the data folder (0600) with a warning. */
export function caPassphraseOf(config: AppConfig): () => string {
  let passphrase: string | undefined;
  return () => (passphrase ??= readOrMakePassphrase(config));
}

function readOrMakePassphrase(config: AppConfig): string {
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

/**
 * The key store the configuration asks for: the PKCS#11 token when ENROLL_PKCS11_MODULE is set
 * (opened and logged in now, so that a missing module or token or a wrong PIN stops the start),
 * else the software one.
 */
export function caKeyStoreFor(config: AppConfig): CaKeyStore {
  if (config.pkcs11) {
    return Pkcs11CaKeyStore.open(config.pkcs11);
  }
  return refusingTokenReferences(new SoftwareCaKeyStore(new SoftwareKeys(caPassphraseOf(config))));
}
