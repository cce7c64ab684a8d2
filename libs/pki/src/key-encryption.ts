import { createCipheriv, pbkdf2, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { PkiError } from './errors';
import { children, encode, nullValue, octets, oid, raw, readOid, seq, unsignedInteger, valueBytes } from './der';
import { toPem } from './pem';

const derive = promisify(pbkdf2);

/**
 * PBKDF2 iterations for CA keys at rest: OWASP's 2023 figure for PBKDF2-HMAC-SHA256. OpenSSL's
 * (and so node's KeyObject.export) default is 2,048, which a copy of the database turns into
 * a cheap offline guess per passphrase.
 */
export const KEY_ENCRYPTION_ITERATIONS = 600_000;
const MIN_PASSPHRASE = 12;

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const HMAC_SHA256 = '1.2.840.113549.2.9';
const AES_256_CBC = '2.16.840.1.101.3.4.1.42';

export function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new PkiError('CA_KEY_INVALID', `The CA passphrase must have at least ${MIN_PASSPHRASE} characters.`);
  }
}

/**
 * Encrypts a private key for storage: PKCS #8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018),
 * PBKDF2-HMAC-SHA256 at `iterations` (default 600,000) and AES-256-CBC. Any PKCS #8 reader
 * (OpenSSL, node's createPrivateKey with the passphrase) decrypts it.
 */
export async function encryptPrivateKey(
  key: KeyObject,
  passphrase: string,
  iterations = KEY_ENCRYPTION_ITERATIONS,
): Promise<string> {
  checkPassphrase(passphrase);
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const derived = await derive(passphrase, salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', derived, iv);
  const plain = key.export({ type: 'pkcs8', format: 'der' });
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const iterationCount = Buffer.alloc(4);
  iterationCount.writeUInt32BE(iterations);
  const algorithm = seq([
    oid(PBES2),
    seq([
      seq([oid(PBKDF2), seq([octets(salt), unsignedInteger(iterationCount), seq([oid(HMAC_SHA256), nullValue()])])]),
      seq([oid(AES_256_CBC), octets(iv)]),
    ]),
  ]);
  return toPem('ENCRYPTED PRIVATE KEY', encode(seq([algorithm, octets(encrypted)])));
}

/** The PBKDF2 iteration count of an encrypted PKCS #8 key (PEM), or undefined when it is not PBES2 with PBKDF2. */
export function keyEncryptionIterations(pem: string): number | undefined {
  try {
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const [algorithm] = children(raw(der));
    const [scheme, parameters] = children(algorithm);
    const [kdf] = children(parameters);
    const [kdfOid, kdfParameters] = children(kdf);
    if (readOid(scheme) !== PBES2 || readOid(kdfOid) !== PBKDF2) {
      return undefined;
    }
    const count = children(kdfParameters)[1];
    return count ? valueBytes(count).readUIntBE(0, valueBytes(count).length) : undefined;
  } catch {
    return undefined;
  }
}
