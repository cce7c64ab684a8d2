import { MIGRATIONS } from '@enroll/migrations';
import type { DataSourceOptions } from 'typeorm';
import type { EmbeddedDatabase } from './embedded-database';
import { ENTITIES } from './entities';

/** Where the database is: a PostgreSQL URL, or the embedded PGlite socket. */
export type DatabaseTarget = { readonly url: string } | { readonly embedded: EmbeddedDatabase };

/** Injection token of the DatabaseTarget the app runs on. */
export const DATABASE_TARGET = Symbol('DATABASE_TARGET');

/** TypeORM options for either target: migrations always, synchronize never. */
export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    // PGlite has no uuid-ossp; the migrations use gen_random_uuid().
    installExtensions: false,
    logging: false,
  };
  if ('url' in target) {
    return { ...common, url: target.url, extra: { max: 20, connectionTimeoutMillis: 5000 } };
  }
  return {
    ...common,
    host: target.embedded.socketDir,
    port: target.embedded.port,
    username: 'postgres',
    database: 'postgres',
    // PGlite is one session: a second pooled connection would interleave transactions.
    extra: { max: 1 },
  };
}
