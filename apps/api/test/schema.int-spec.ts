import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@enroll/migrations';
import { dataSourceOptions } from '../src/database/database-options';
import { createTestDatabase, urlFor, withAdmin } from './support/postgres';

/**
 * The schema in review: the definitions of every function, trigger, index and constraint, and
 * every column, after all migrations. A change to any of them shows up as a diff of the
 * snapshot (__snapshots__/schema.int-spec.ts.snap), to be read like code.
 */
async function schemaOf(url: string): Promise<Record<string, string[]>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const list = async (sql: string): Promise<string[]> =>
      (await client.query<{ line: string }>(sql)).rows.map((r) => r.line);
    return {
      functions:
        await list(`SELECT pg_get_functiondef(p.oid) AS line FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                              WHERE n.nspname = 'public' ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)`),
      triggers:
        await list(`SELECT pg_get_triggerdef(t.oid) AS line FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal ORDER BY t.tgname`),
      indexes: await list(
        `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`,
      ),
      constraints:
        await list(`SELECT c.relname || ' ' || k.conname || ': ' || pg_get_constraintdef(k.oid) AS line FROM pg_constraint k
                                JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname = 'public' ORDER BY c.relname, k.conname`),
      columns:
        await list(`SELECT table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
                                  || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END || coalesce(' DEFAULT ' || column_default, '') AS line
                             FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'migrations'
                            ORDER BY table_name, ordinal_position`),
    };
  } finally {
    await client.end();
  }
}

/** The bodies that migrations 008 and 009 had when they first landed (commit 8041947), before they were edited. */
const FIRST_LANDED = [
  `CREATE OR REPLACE FUNCTION enroll_record_events(p_events jsonb) RETURNS void LANGUAGE sql AS $$
     WITH e AS (
       SELECT * FROM jsonb_to_recordset(p_events) AS x("requestId" bigint, "organizationId" uuid, status varchar, at timestamptz,
                                                         actor varchar, "actorType" varchar, action varchar, reason text, details jsonb)
     ), history AS (
       INSERT INTO request_history (request_id, status, at, actor, actor_type, reason)
       SELECT "requestId", status, at, actor, "actorType", reason FROM e
     )
     INSERT INTO audit_events (at, actor, actor_type, action, organization_id, request_id, details)
     SELECT at, actor, "actorType", action, "organizationId", "requestId", coalesce(details, '{}') FROM e
   $$`,
  `CREATE OR REPLACE FUNCTION enroll_requests_counted() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO request_counts AS c (organization_id, status, shard, count)
     SELECT n.organization_id, n.status, pg_backend_pid() % 64, 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
     ON CONFLICT (organization_id, status, shard) DO UPDATE SET count = c.count + excluded.count;
     RETURN NULL;
   END $$`,
  `DROP INDEX ux_requests_open_subject`,
  `CREATE UNIQUE INDEX ux_requests_open_subject ON requests (organization_id, kind, common_name) WHERE status IN ('Requested', 'Pending')`,
];

let database: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('the schema after every migration', () => {
  it('matches the reviewed snapshot', async () => {
    expect(await schemaOf(database.url)).toMatchSnapshot();
  });

  it('is the same on a database that ran the first-landed versions of 008 and 009, once the later migrations ran', async () => {
    const name = `enroll_t_old_${randomBytes(5).toString('hex')}`;
    await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
    const restate = MIGRATIONS.findIndex((m) => m.name === 'RestateTransitionFunctions1764000000012');
    expect(restate).toBeGreaterThan(0);
    try {
      // A database of that time: migrated up to 011, with the bodies 008 and 009 first landed with.
      const then = new DataSource({
        ...dataSourceOptions({ url: urlFor(name) }),
        migrations: MIGRATIONS.slice(0, restate),
        migrationsRun: false,
      });
      await then.initialize();
      try {
        await then.runMigrations();
        for (const sql of FIRST_LANDED) {
          await then.query(sql);
        }
      } finally {
        await then.destroy();
      }
      const expected = await schemaOf(database.url);
      expect((await schemaOf(urlFor(name))).functions).not.toEqual(expected.functions);
      const now = new DataSource({ ...dataSourceOptions({ url: urlFor(name) }), migrationsRun: false });
      await now.initialize();
      try {
        await now.runMigrations();
      } finally {
        await now.destroy();
      }
      expect(await schemaOf(urlFor(name))).toEqual(expected);
    } finally {
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });
});
