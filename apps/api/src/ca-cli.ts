import { DataSource } from 'typeorm';
import { CEREMONIES, runCeremony, type CeremonyName } from './authority';
import { ConfigError, ensureDataDir, loadConfig } from './config/app-config';
import { dataSourceOptions } from './database/database-options';
import { EmbeddedDatabaseInUse, startEmbeddedDatabase } from './database/embedded-database';

const USAGE = `npm run ca -- <ceremony>

The CA's ceremonies: the only commands that read the root key (ENROLL_ROOT_KEY_FILE, default
<data folder>/root-ca/root-ca.key; its passphrase ENROLL_ROOT_PASSPHRASE, default the CA passphrase).
They use the API's database (DATABASE_URL, or the embedded one when the API is stopped).

  status            the hierarchy, where the root key is, when the root CRL must be signed again
  sign-root-crl     sign the root's CRL (valid one year): do it well before the current one expires
  reissue-issuing   a new issuing CA certificate for the same key (issued certificates stay valid)
  renew-root-ocsp   a new certificate for the root's delegated OCSP responder (valid 400 days)
`;

async function main(argv: string[]): Promise<number> {
  const name = argv[0];
  if (!name || !CEREMONIES.includes(name as CeremonyName)) {
    console.error(USAGE);
    return name === undefined || name === '--help' ? 0 : 2;
  }
  const config = loadConfig();
  ensureDataDir(config);
  const embedded = config.databaseUrl === undefined ? await startEmbeddedDatabase(config.dataDir) : undefined;
  const db = new DataSource({
    ...dataSourceOptions(embedded ? { embedded } : { url: config.databaseUrl ?? '' }),
    migrationsRun: false,
  });
  await db.initialize();
  try {
    console.log(await runCeremony(name as CeremonyName, config, db));
    return 0;
  } finally {
    await db.destroy();
    await embedded?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError
        ? `Configuration error: ${error.message}`
        : error instanceof EmbeddedDatabaseInUse
          ? error.message
          : error instanceof Error
            ? error.message
            : error,
    );
    process.exit(1);
  },
);
