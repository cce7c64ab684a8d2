import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { CaService, caKeyStoreFor, CertificatesRepository } from '../../src/authority';
import { dataSourceOptions } from '../../src/database/database-options';
import { startEmbeddedDatabase } from '../../src/database/embedded-database';
import { randomBytes } from 'node:crypto';
import { ADMIN_URL, templateDb, urlFor, withAdmin } from './postgres';
import { testConfig } from './test-config';

/**
 * Once per run: a template database with every migration applied and a CA already created,
 * so that each test file copies it in milliseconds instead of migrating and making keys.
 */
export default async function globalSetup(): Promise<void> {
  mkdirSync('/tmp/enroll-test-data', { recursive: true });
  // Workers inherit this environment; teardown drops the template by the same name.
  process.env.ENROLL_TEST_TEMPLATE = `enroll_tpl_${randomBytes(5).toString('hex')}`;
  const TEMPLATE_DB = templateDb();
  await withAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  try {
    const db = new DataSource({ ...dataSourceOptions({ url: urlFor(TEMPLATE_DB) }), migrationsRun: false });
    await db.initialize();
    try {
      await db.runMigrations();
      // The bootstrap ceremony of the API itself, an hour back (so that tests may move the clock a little).
      const config = testConfig();
      // Workers inherit it: the ceremony tests read the template's root key from there.
      process.env.ENROLL_TEST_ROOT_KEY_FILE = config.rootKeyFile;
      const anHourAgo = { now: () => new Date(Date.now() - 3_600_000) };
      const ca = new CaService(
        db,
        anHourAgo,
        new CertificatesRepository(db),
        new AuditService(db),
        config,
        caKeyStoreFor(config),
      );
      await ca.init();
    } finally {
      await db.destroy();
    }
  } catch (error) {
    // Jest runs no teardown after a failed setup: leave no template behind (a broken migration, say).
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`));
    throw error;
  }
  process.env.ENROLL_TEST_ADMIN_URL = ADMIN_URL;
  // The embedded path: PGlite cannot start inside a test file's sandbox, so it runs here and the
  // smoke suite reaches it through its socket, exactly as the API does in production.
  const dataDir = mkdtempSync(join(tmpdir(), 'enroll-pglite-'));
  const embedded = await startEmbeddedDatabase(dataDir);
  (globalThis as { enrollEmbedded?: typeof embedded }).enrollEmbedded = embedded;
  process.env.ENROLL_TEST_PGLITE_SOCKET_DIR = embedded.socketDir;
  process.env.ENROLL_TEST_PGLITE_PORT = String(embedded.port);
}
