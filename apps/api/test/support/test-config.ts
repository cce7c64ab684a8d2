import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/app-config';

export const ADMIN_PASSWORD = 'admin password for tests';
export const CA_PASSPHRASE = 'ca passphrase for the test suite';

/** Configuration for a test application: quiet logs, EC CA keys for speed, no portal. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ENROLL_DATA_DIR: '/tmp/enroll-test-data',
    ENROLL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ENROLL_CA_PASSPHRASE: CA_PASSPHRASE,
    ENROLL_CA_KEY_ALGORITHM: 'EC-P256',
    ENROLL_PUBLIC_URL: 'http://127.0.0.1:3000',
    ENROLL_PORTAL_DIR: '/nonexistent',
    // Each configuration its own root key file: a bootstrap never meets another run's root key.
    ENROLL_ROOT_KEY_FILE: join(tmpdir(), `enroll-test-root-${randomBytes(6).toString('hex')}`, 'root-ca.key'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}
