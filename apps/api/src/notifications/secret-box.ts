import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { KEY_ENCRYPTION_ITERATIONS } from '@enroll/pki';
import { caPassphraseOf } from '../authority';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** What a sealed secret starts with: `enc1:<salt>:<iv>:<ciphertext and GCM tag>`, base64url each. */
const PREFIX = 'enc1:';

/**
 * Secrets the API must read back to use (webhook HMAC keys cannot be hashed away), sealed at rest
 * the way the CA keys are: AES-256-GCM under a key derived from the CA passphrase by PBKDF2-SHA256
 * with the CA keys' iteration count, a random salt per secret. A copy of the database without the
 * passphrase (kept apart from it, ENROLL_CA_PASSPHRASE) yields no secret. Derived keys are kept in
 * memory by salt: a delivery pays the KDF once per secret and process.
 */
@Injectable()
export class SecretBox {
  private readonly passphrase: () => string;
  private readonly keys = new Map<string, Promise<Buffer>>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.passphrase = caPassphraseOf(config);
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  async seal(secret: string): Promise<string> {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.keyFor(salt), iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${[salt, iv, sealed].map((part) => part.toString('base64url')).join(':')}`;
  }

  /**
   * The secret; one stored before sealing existed is returned as it is (the worker seals those at
   * start). A secret that does not open (another passphrase, a damaged value) throws an error that
   * says so, which the worker records as the delivery's last error.
   */
  async open(stored: string): Promise<string> {
    if (!SecretBox.isSealed(stored)) {
      return stored;
    }
    const [salt, iv, sealed] = stored
      .slice(PREFIX.length)
      .split(':')
      .map((part) => Buffer.from(part, 'base64url'));
    if (!salt || salt.length !== 16 || !iv || iv.length !== 12 || !sealed || sealed.length < 16) {
      throw new Error('The stored secret is damaged: create the webhook again.');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', await this.keyFor(salt), iv);
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new Error(
        'The stored secret does not open with this CA passphrase (was ENROLL_CA_PASSPHRASE changed?): create the webhook again.',
      );
    }
  }

  private keyFor(salt: Buffer): Promise<Buffer> {
    const id = salt.toString('hex');
    let key = this.keys.get(id);
    if (!key) {
      key = new Promise<Buffer>((resolve, reject) =>
        pbkdf2(this.passphrase(), salt, KEY_ENCRYPTION_ITERATIONS, 32, 'sha256', (error, derived) =>
          error ? reject(error) : resolve(derived),
        ),
      );
      this.keys.set(id, key);
    }
    return key;
  }
}
