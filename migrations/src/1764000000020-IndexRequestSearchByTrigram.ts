import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue's search finds a fragment anywhere in a request's names (`jdupont` in
 * `LAPOSTE\jdupont`, the middle of an FQDN or of a fingerprint-like common name). A b-tree serves
 * only prefixes, and a LIKE '%x%' over a million rows reads them all; a pg_trgm GIN index answers
 * it from the trigrams. pg_trgm ships with PostgreSQL (trusted, so the database owner may create
 * it) and with PGlite, which loads it when the embedded database starts (embedded-database.ts).
 * Its functions go into a schema of their own, so that public holds only Enroll's (and the schema
 * snapshot lists only those). The expression must stay identical to SEARCH_TEXT in
 * requests.repository.ts.
 */
export class IndexRequestSearchByTrigram1764000000020 implements MigrationInterface {
  name = 'IndexRequestSearchByTrigram1764000000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS extensions`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA extensions`);
    await q.query(
      `CREATE INDEX ix_requests_search_trgm ON requests USING gin ((lower(common_name || ' ' || requested_by || ' ' || coalesce(description, '') || ' ' || coalesce(device->>'machineName', '') || ' ' || coalesce(device->>'fqdn', ''))) extensions.gin_trgm_ops)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_requests_search_trgm`);
    // The extension and its schema stay: something else may use them, and they cost nothing unused.
  }
}
