import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ux_requests_open_subject on one key expression (organization/kind/common name) instead of three
 * columns, so that the submission's search for the older open request of the same subject can use
 * no other index, whatever the statistics say.
 *
 * With the three columns, ix_requests_organization_kind_id matched two of the same equalities, and
 * without statistics (autovacuum off, as on the machines we run on, and always on the embedded
 * PGlite, which has no autovacuum) both plans cost the same: PostgreSQL picked the wrong one and
 * every submission scanned all of its organization's requests of that kind (216 ms at 66,000 rows).
 * The key is unambiguous: the organization id is a fixed-length UUID and kinds contain no '/'.
 */
export class KeyOpenSubjectByExpression1764000000010 implements MigrationInterface {
  name = 'KeyOpenSubjectByExpression1764000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ux_requests_open_subject`);
    await q.query(`
      CREATE UNIQUE INDEX ux_requests_open_subject ON requests ((organization_id::text || '/' || kind::text || '/' || common_name::text))
      WHERE status IN ('Requested', 'Pending')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ux_requests_open_subject`);
    await q.query(
      `CREATE UNIQUE INDEX ux_requests_open_subject ON requests (organization_id, kind, common_name) WHERE status IN ('Requested', 'Pending')`,
    );
  }
}
