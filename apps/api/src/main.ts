import { ConfigError, ensureDataDir, loadConfig } from './config/app-config';
import { EmbeddedDatabaseInUse, startEmbeddedDatabase } from './database/embedded-database';
import { createApp } from './create-app';
import { AuthService } from './auth/auth.service';
import { startMtlsServer } from './mtls/mtls-server';

async function main(): Promise<void> {
  const config = loadConfig();
  ensureDataDir(config);
  const embedded = config.databaseUrl === undefined ? await startEmbeddedDatabase(config.dataDir) : undefined;
  const app = await createApp(config, embedded ? { embedded } : { url: config.databaseUrl ?? '' });
  app.enableShutdownHooks();
  const admin = await app.get(AuthService).ensureFirstAdmin();
  await app.listen(config.port, config.host);
  const mtls = await startMtlsServer(app, config);
  // Keep idle connections longer than the clients and proxies in front keep theirs (Node's 5 s
  // default closes a socket a client is about to reuse: "other side closed" on a busy machine).
  for (const server of [app.getHttpServer() as import('node:http').Server, mtls]) {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
  }
  const url = `http://localhost:${config.port}`;
  console.log(`\nEnroll is running: ${url} (API docs ${url}/api/docs, public URL ${config.publicUrl})`);
  console.log(`Mutual TLS port: https://localhost:${config.mtlsPort} (test service /api/v1/enrollment/test)`);
  console.log(`Database: ${embedded ? `embedded PGlite in ${config.dataDir}/pgdata` : 'PostgreSQL (DATABASE_URL)'}`);
  if (admin.created && admin.generated) {
    console.log(
      `\nFirst administrator created. Sign in as "admin" with this password (shown once):\n\n    ${admin.password}\n`,
    );
  } else if (admin.created) {
    console.log('\nFirst administrator "admin" created with ENROLL_ADMIN_PASSWORD.');
  }
  const stop = async (): Promise<void> => {
    mtls.close();
    await app.close();
    await embedded?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : error instanceof EmbeddedDatabaseInUse
        ? error.message
        : error,
  );
  process.exit(1);
});
