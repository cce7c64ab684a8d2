import { TEMPLATE_DB, withAdmin } from './postgres';

export default async function globalTeardown(): Promise<void> {
  await withAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  });
}
