import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue's search text moves out of `requests` into `request_search`, written once when a
 * request is stored (its names never change). A GIN index on `requests` itself (migration 020)
 * took a new entry per trigram at every transition: each status change writes a new row version,
 * and a row whose indexed column (status) changes updates every index. bench:api's cycle with
 * 200,000 requests loaded fell from 75/s to 43/s with it. Here the transitions never touch it.
 * The text is the same expression as before (SEARCH_TEXT in requests.repository.ts).
 */
export class MoveSearchTextOutOfRequests1764000000021 implements MigrationInterface {
  name = 'MoveSearchTextOutOfRequests1764000000021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE request_search (
        request_id bigint NOT NULL,
        text text NOT NULL,
        CONSTRAINT pk_request_search PRIMARY KEY (request_id),
        CONSTRAINT fk_request_search_request FOREIGN KEY (request_id) REFERENCES requests (id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE FUNCTION enroll_requests_searchable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO request_search (request_id, text)
        SELECT id, lower(common_name || ' ' || requested_by || ' ' || coalesce(description, '') || ' ' || coalesce(device->>'machineName', '') || ' ' || coalesce(device->>'fqdn', ''))
          FROM new_rows;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER tg_requests_searchable AFTER INSERT ON requests REFERENCING NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION enroll_requests_searchable()`);
    await q.query(`
      INSERT INTO request_search (request_id, text)
      SELECT id, lower(common_name || ' ' || requested_by || ' ' || coalesce(description, '') || ' ' || coalesce(device->>'machineName', '') || ' ' || coalesce(device->>'fqdn', ''))
        FROM requests`);
    await q.query(`CREATE INDEX ix_request_search_trgm ON request_search USING gin (text extensions.gin_trgm_ops)`);
    await q.query(`DROP INDEX IF EXISTS ix_requests_search_trgm`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_requests_search_trgm ON requests USING gin ((lower(common_name || ' ' || requested_by || ' ' || coalesce(description, '') || ' ' || coalesce(device->>'machineName', '') || ' ' || coalesce(device->>'fqdn', ''))) extensions.gin_trgm_ops)`,
    );
    await q.query(`DROP TRIGGER tg_requests_searchable ON requests`);
    await q.query(`DROP FUNCTION enroll_requests_searchable()`);
    await q.query(`DROP TABLE request_search`);
  }
}
