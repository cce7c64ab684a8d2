import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { decryptPrivateKey, encryptPrivateKey, KEY_ENCRYPTION_ITERATIONS, keyEncryptionIterations } from './index';

const PASSPHRASE = 'a passphrase of some length';

describe('CA keys at rest', () => {
  it('are PBES2 with PBKDF2-SHA256 at 600,000 iterations and AES-256-CBC, and OpenSSL decrypts them', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = await encryptPrivateKey(privateKey, PASSPHRASE);
    expect(KEY_ENCRYPTION_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(keyEncryptionIterations(pem)).toBe(KEY_ENCRYPTION_ITERATIONS);
    const dir = mkdtempSync(join(tmpdir(), 'enroll-kdf-'));
    writeFileSync(join(dir, 'key.pem'), pem);
    const parsed = spawnSync('openssl', ['asn1parse', '-in', join(dir, 'key.pem')]).stdout.toString();
    expect(parsed).toMatch(/PBES2/);
    expect(parsed).toMatch(/PBKDF2/);
    expect(parsed).toMatch(/hmacWithSHA256/);
    expect(parsed).toMatch(/aes-256-cbc/);
    expect(parsed).toMatch(/INTEGER\s+:0927C0/);
    const decrypted = spawnSync('openssl', [
      'pkey',
      '-in',
      join(dir, 'key.pem'),
      '-passin',
      `pass:${PASSPHRASE}`,
      '-pubout',
    ]);
    expect(decrypted.status).toBe(0);
    expect(decrypted.stdout.toString()).toBe(createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }));
    expect(createPublicKey(decryptPrivateKey(pem, PASSPHRASE)).export({ format: 'pem', type: 'spki' })).toBe(
      decrypted.stdout.toString(),
    );
  });

  it("tells a weak key file (OpenSSL's default 2,048 iterations) apart, and refuses a wrong passphrase with a code", () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const weak = privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: PASSPHRASE,
    }) as string;
    expect(keyEncryptionIterations(weak)).toBe(2048);
    expect(keyEncryptionIterations(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).toBeUndefined();
    expect(() => decryptPrivateKey(weak, 'not the passphrase at all')).toThrow(
      expect.objectContaining({ code: 'CA_KEY_INVALID' }),
    );
  });

  it('refuses a short passphrase', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await expect(encryptPrivateKey(privateKey, 'short')).rejects.toMatchObject({ code: 'CA_KEY_INVALID' });
  });
});
