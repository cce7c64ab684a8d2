import { templateDb, withAdmin } from './postgres';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { enrollEmbedded?: { close(): Promise<void> } }).enrollEmbedded?.close();
  await withAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`);
  });
}
