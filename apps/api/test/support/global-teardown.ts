import { templateDb, withAdmin } from './postgres';

export default async function globalTeardown(): Promise<void> {
  try {
    await (globalThis as { enrollEmbedded?: { close(): Promise<void> } }).enrollEmbedded?.close();
  } finally {
    // Even if the embedded database would not close (a run that broke it): leave no template behind.
    await withAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`);
    });
  }
}
