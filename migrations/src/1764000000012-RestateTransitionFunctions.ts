import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One schema for every database, whichever version of migrations 008 and 009 it ran.
 *
 * 008 and 009 were edited after they had landed (enroll_record_events went from SQL to PL/pgSQL,
 * the older-open-request search moved to the open-subject key expression, the counters' update
 * branch stopped joining its transition tables), and 008's search relies on the index that only
 * 010 creates. A database migrated before those edits kept the old bodies. This migration writes
 * the current definitions of the transition functions, the counters' trigger function and the
 * open-subject index, so that every database ends the same; the schema snapshot test
 * (apps/api/test/schema.int-spec.ts) shows any later change as a diff. Landed migrations are
 * never edited again: a change is a new migration.
 */
export class RestateTransitionFunctions1764000000012 implements MigrationInterface {
  name = 'RestateTransitionFunctions1764000000012';

  async up(q: QueryRunner): Promise<void> {
    // Events: [{ requestId, organizationId, status, at, actor, actorType, action, reason, details }],
    // written as a history row plus an audit event each. PL/pgSQL keeps its plans per connection.
    await q.query(`
      CREATE OR REPLACE FUNCTION enroll_record_events(p_events jsonb) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        WITH e AS (
          SELECT * FROM jsonb_to_recordset(p_events) AS x("requestId" bigint, "organizationId" uuid, status varchar, at timestamptz,
                                                            actor varchar, "actorType" varchar, action varchar, reason text, details jsonb)
        ), history AS (
          INSERT INTO request_history (request_id, status, at, actor, actor_type, reason)
          SELECT "requestId", status, at, actor, "actorType", reason FROM e
        )
        INSERT INTO audit_events (at, actor, actor_type, action, organization_id, request_id, details)
        SELECT at, actor, "actorType", action, "organizationId", "requestId", coalesce(details, '{}') FROM e;
      END $$`);
    // A submission (see 008): the request row as JSON, its events, the cancellation event for the
    // older open request of the same subject, found by ux_requests_open_subject's key expression.
    await q.query(`
      CREATE OR REPLACE FUNCTION enroll_submit_request(p_request jsonb, p_events jsonb, p_cancel_event jsonb, p_key_compromised boolean) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        r requests%ROWTYPE := jsonb_populate_record(NULL::requests, p_request);
        cancel jsonb;
        cancelled jsonb := '[]';
        cancel_reason text;
      BEGIN
        r.id := nextval(pg_get_serial_sequence('requests', 'id'));
        IF EXISTS (SELECT 1 FROM revocations WHERE spki_sha256 = r.spki_sha256 AND reason = 'keyCompromise') <> p_key_compromised THEN
          RAISE EXCEPTION 'The key''s compromise is not what the caller assumed.' USING ERRCODE = 'EN001';
        END IF;
        IF p_cancel_event IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock(hashtext(r.organization_id::text || '|' || r.kind || '|' || r.common_name));
          cancel_reason := replace(p_cancel_event->>'reason', '{id}', r.id::text);
          cancel := jsonb_set(jsonb_set(p_cancel_event, '{reason}', to_jsonb(cancel_reason)), '{details,reason}', to_jsonb(cancel_reason));
          WITH c AS (
            UPDATE requests SET status = 'Cancelled', updated_at = r.submitted_at, rejection_reason = cancel_reason
             WHERE organization_id::text || '/' || kind::text || '/' || common_name::text = r.organization_id::text || '/' || r.kind::text || '/' || r.common_name::text
               AND status IN ('Requested', 'Pending')
            RETURNING id)
          SELECT coalesce(jsonb_agg(cancel || jsonb_build_object('requestId', id)), '[]') INTO cancelled FROM c;
        END IF;
        INSERT INTO requests OVERRIDING SYSTEM VALUE SELECT r.*;
        PERFORM enroll_record_events(
          (SELECT coalesce(jsonb_agg(e || jsonb_build_object('requestId', r.id)), '[]') FROM jsonb_array_elements(p_events) AS e) || cancelled);
        RETURN r.id;
      END $$`);
    // An approval (see 008): a conditional update from the state read, the certificate, the events.
    await q.query(`
      CREATE OR REPLACE FUNCTION enroll_approve_request(p_id bigint, p_from varchar, p_certificate jsonb, p_events jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        c certificates%ROWTYPE := jsonb_populate_record(NULL::certificates, p_certificate);
      BEGIN
        UPDATE requests SET status = 'Approved', updated_at = c.created_at, certificate_serial = c.serial WHERE id = p_id AND status = p_from;
        IF NOT FOUND THEN
          RETURN false;
        END IF;
        INSERT INTO certificates SELECT c.*;
        PERFORM enroll_record_events(p_events);
        RETURN true;
      END $$`);
    // The counters' trigger (see 009): net change per organization and status, no join.
    await q.query(`
      CREATE OR REPLACE FUNCTION enroll_requests_counted() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`DROP INDEX IF EXISTS ux_requests_open_subject`);
    await q.query(`
      CREATE UNIQUE INDEX ux_requests_open_subject ON requests ((organization_id::text || '/' || kind::text || '/' || common_name::text))
      WHERE status IN ('Requested', 'Pending')`);
  }

  async down(): Promise<void> {
    // The definitions written here are the ones 008 to 010 give today: nothing to undo.
  }
}
