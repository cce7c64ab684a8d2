import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counts per organization and status, kept by statement triggers on requests, so the portal's
 * "counts at a glance" read a few rows instead of counting the table: at 1,000,000 requests an
 * administrator's count took 190-270 ms and two cores (bench:api with BENCH_KEEP=1). Each
 * connection adds to its own shard (backend pid % 64), so concurrent transitions do not queue on
 * one counter row; the triggers see whole statements (transition tables), so a bulk insert
 * updates each counter once.
 */
export class CreateRequestCounts1764000000009 implements MigrationInterface {
  name = 'CreateRequestCounts1764000000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE request_counts (
        organization_id uuid NOT NULL,
        status varchar(16) NOT NULL,
        shard smallint NOT NULL,
        count bigint NOT NULL,
        CONSTRAINT pk_request_counts PRIMARY KEY (organization_id, status, shard),
        CONSTRAINT fk_request_counts_organization FOREIGN KEY (organization_id) REFERENCES organizations (id)
      )`);
    // Adds a statement's changes to this connection's shard: +1 for each row now in an
    // (organization, status), -1 for each row that left one.
    // Adds a statement's changes to this connection's shard: +1 for each row now in an
    // (organization, status), -1 for each row that left one. Each branch names only the
    // transition tables its operation has (PL/pgSQL plans a statement when it first runs it).
    await q.query(`
      CREATE FUNCTION enroll_requests_counted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO request_counts AS c (organization_id, status, shard, count)
          SELECT organization_id, status, pg_backend_pid() % 64, count(*) FROM new_rows GROUP BY 1, 2
          ON CONFLICT (organization_id, status, shard) DO UPDATE SET count = c.count + excluded.count;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO request_counts AS c (organization_id, status, shard, count)
          SELECT organization_id, status, pg_backend_pid() % 64, -count(*) FROM old_rows GROUP BY 1, 2
          ON CONFLICT (organization_id, status, shard) DO UPDATE SET count = c.count + excluded.count;
        ELSE
          -- The net change per organization and status: old versions out, new ones in. No join of
          -- the two transition tables, which have no index: a bulk update stays linear.
          INSERT INTO request_counts AS c (organization_id, status, shard, count)
          SELECT organization_id, status, pg_backend_pid() % 64, sum(delta)
            FROM (SELECT organization_id, status, 1 AS delta FROM new_rows
                  UNION ALL
                  SELECT organization_id, status, -1 FROM old_rows) d
           GROUP BY 1, 2
          HAVING sum(delta) <> 0
          ON CONFLICT (organization_id, status, shard) DO UPDATE SET count = c.count + excluded.count;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER tg_requests_counted_insert AFTER INSERT ON requests REFERENCING NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION enroll_requests_counted()`);
    await q.query(`CREATE TRIGGER tg_requests_counted_update AFTER UPDATE ON requests REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION enroll_requests_counted()`);
    await q.query(`CREATE TRIGGER tg_requests_counted_delete AFTER DELETE ON requests REFERENCING OLD TABLE AS old_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION enroll_requests_counted()`);
    await q.query(
      `INSERT INTO request_counts (organization_id, status, shard, count) SELECT organization_id, status, 0, count(*) FROM requests GROUP BY 1, 2`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tg_requests_counted_delete ON requests`);
    await q.query(`DROP TRIGGER tg_requests_counted_update ON requests`);
    await q.query(`DROP TRIGGER tg_requests_counted_insert ON requests`);
    await q.query(`DROP FUNCTION enroll_requests_counted()`);
    await q.query(`DROP TABLE request_counts`);
  }
}
