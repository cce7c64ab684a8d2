import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two transitions on the hot path of every enrollment, submission and approval, each as one
 * call: on a busy 2-core machine a round trip to PostgreSQL (waking a backend, then the API)
 * costs more than the work it carries (bench:api: 146-163 cycles/s with a statement per step,
 * 259-263 with these functions).
 * The rules stay in TypeScript (libs/domain): these functions only apply a decision already
 * taken, under the same locks and conditions as before, and write the history and audit rows
 * that every transition leaves, from one JSON shape (enroll_record_events) used by all callers.
 */
export class CreateTransitionFunctions1764000000008 implements MigrationInterface {
  name = 'CreateTransitionFunctions1764000000008';

  async up(q: QueryRunner): Promise<void> {
    // Events: [{ requestId, organizationId, status, at, actor, actorType, action, reason, details }].
    // PL/pgSQL, not SQL: a non-inlined SQL function is parsed and planned again on every call,
    // where PL/pgSQL keeps its plans for the connection's life.
    await q.query(`
      CREATE FUNCTION enroll_record_events(p_events jsonb) RETURNS void LANGUAGE plpgsql AS $$
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
    // A submission: the request row as JSON (requests' columns, without id), its events (without
    // requestId), and, when it is accepted, the event to write for each older open request of the
    // same subject that it cancels ('{id}' in its reason becomes the new id). Returns the new id.
    // p_key_compromised is what the caller's policy assumed about the key: if the revocations say
    // otherwise, EN001, and the caller decides again knowing it. The advisory lock serializes submissions for one subject
    // (ux_requests_open_subject guarantees the outcome). The older open request is found by that
    // index's key expression (migration 1764000000010), so no other index can be chosen for it.
    await q.query(`
      CREATE FUNCTION enroll_submit_request(p_request jsonb, p_events jsonb, p_cancel_event jsonb, p_key_compromised boolean) RETURNS bigint LANGUAGE plpgsql AS $$
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
    // An approval: moves the request from p_from to Approved only if it is still in p_from (a
    // conditional update: of concurrent approvals one wins), stores the certificate (certificates'
    // columns as JSON) and writes the events. False when the request had moved on meanwhile.
    await q.query(`
      CREATE FUNCTION enroll_approve_request(p_id bigint, p_from varchar, p_certificate jsonb, p_events jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION enroll_approve_request(bigint, varchar, jsonb, jsonb)`);
    await q.query(`DROP FUNCTION enroll_submit_request(jsonb, jsonb, jsonb, boolean)`);
    await q.query(`DROP FUNCTION enroll_record_events(jsonb)`);
  }
}
