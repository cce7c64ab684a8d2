import { DataSource } from 'typeorm';
import { ConfigError, ensureDataDir, loadConfig } from './config/app-config';
import { dataSourceOptions } from './database/database-options';
import { startEmbeddedDatabase } from './database/embedded-database';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function migrate(): Promise<void> {
  const config = loadConfig();
  ensureDataDir(config);
  const embedded = config.databaseUrl === undefined ? await startEmbeddedDatabase(config.dataDir) : undefined;
  const db = new DataSource(dataSourceOptions(embedded ? { embedded } : { url: config.databaseUrl ?? '' }));
  await db.initialize();
  const applied = await db.runMigrations({ transaction: 'each' });
  console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'The database is up to date.');
  await db.destroy();
  await embedded?.close();
}

migrate().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
