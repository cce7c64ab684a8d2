import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createCertificateAuthority, decryptPrivateKey, keyEncryptionIterations, readCertificate } from '@enroll/pki';
import { dataSourceOptions } from '../src/database/database-options';
import { startTestApp } from './support/test-app';
import { CA_PASSPHRASE } from './support/test-config';
import { createTestDatabase } from './support/postgres';

// In a file of its own: passport strategies are registered by name process-wide, so a second
// application in a test file takes them over from the first.
describe('an installation from before the offline root', () => {
  it('gets its root key moved to the file, a re-issued issuing CA certificate for the same key, and strong key encryption', async () => {
    const old = await createTestDatabase();
    const db = new DataSource({ ...dataSourceOptions({ url: old.url }), migrationsRun: false });
    await db.initialize();
    // What an older Enroll stored: both keys in the database, OpenSSL's default 2,048 iterations.
    const legacy = await createCertificateAuthority({
      passphrase: CA_PASSPHRASE,
      now: new Date(Date.now() - 60_000),
      keyAlgorithm: 'EC-P256',
      keyEncryptionIterations: 2048,
    });
    try {
      await db.query(`DELETE FROM audit_events`);
      await db.query(`DELETE FROM certificates`);
      await db.query(`DELETE FROM root_crls`);
      await db.query(`DELETE FROM certificate_authorities`);
      for (const [name, pair] of [
        ['root', legacy.root],
        ['issuing', legacy.issuing],
      ] as const) {
        await db.query(
          `INSERT INTO certificate_authorities (name, certificate_pem, encrypted_key_pem) VALUES ($1, $2, $3)`,
          [name, pair.certificatePem, pair.encryptedKeyPem],
        );
      }
    } finally {
      await db.destroy();
    }
    const keyFile = join(mkdtempSync(join(tmpdir(), 'enroll-upgrade-')), 'root.key');
    const upgraded = await startTestApp({ target: { url: old.url }, env: { ENROLL_ROOT_KEY_FILE: keyFile } });
    try {
      const rows = await upgraded.db.query<
        { name: string; certificate_pem: string; encrypted_key_pem: string | null }[]
      >(`SELECT * FROM certificate_authorities ORDER BY name`);
      expect(rows.map((r) => r.name)).toEqual(['issuing', 'root', 'root-ocsp']);
      expect(rows.find((r) => r.name === 'root')?.encrypted_key_pem).toBeNull();
      const issuing = readCertificate(rows.find((r) => r.name === 'issuing')?.certificate_pem ?? '');
      expect(issuing.spki.equals(readCertificate(legacy.issuing.certificatePem).spki)).toBe(true);
      expect(issuing.serialNumber).not.toBe(readCertificate(legacy.issuing.certificatePem).serialNumber);
      expect(keyEncryptionIterations(rows.find((r) => r.name === 'issuing')?.encrypted_key_pem ?? '')).toBe(600_000);
      const rootKey = decryptPrivateKey(readFileSync(keyFile, 'utf8'), CA_PASSPHRASE);
      expect(
        createPublicKey(rootKey)
          .export({ format: 'der', type: 'spki' })
          .equals(readCertificate(legacy.root.certificatePem).spki),
      ).toBe(true);
      expect((statSync(keyFile).mode & 0o777).toString(8)).toBe('600');
      await upgraded.http().get('/pki/root.crl').expect(200);
    } finally {
      await upgraded.close();
    }
  });
});
