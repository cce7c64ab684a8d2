/**
 * Run as its own process (PGlite cannot start inside a Jest sandbox): starts the embedded
 * database on the data folder given, as a second `npm start` would, and prints the outcome.
 */
import { startEmbeddedDatabase } from '../../src/database/embedded-database';

startEmbeddedDatabase(process.argv[2] ?? '')
  .then(async (db) => {
    await db.close();
    console.log('started');
  })
  .catch((error: unknown) => {
    console.log(`${(error as Error).name}: ${(error as Error).message}`);
  });
