import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A newer submission cancels *its requester's* older open request only (issue 13, as the
 * original client does): same package (so organization and environment), kind, common name and
 * requester. Before, the key was organization/kind/CN, so another account on the same PC, or the
 * same device in the Test environment, cancelled a Production request it could not even see.
 *
 * DNS names (server, external) compare case-insensitively: `API.Example` and `api.example` are
 * one name and cannot both be open. Workstation and mobile CNs stay exact (the workstation's is
 * upper-case hex by its profile; a mobile device id is whatever the device says).
 *
 * The index stays on one key expression (see 1764000000010) so that the search for the older
 * request can use no other index. The key is unambiguous: the package id is a fixed-length UUID,
 * kinds and common names contain no '/' (their profiles forbid it), and the requester, which
 * may, comes last. The advisory lock takes the same key.
 */
export class ScopeSupersedeToRequester1764000000040 implements MigrationInterface {
  name = 'ScopeSupersedeToRequester1764000000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ux_requests_open_subject`);
    await q.query(`
      CREATE UNIQUE INDEX ux_requests_open_subject ON requests ((package_id::text || '/' || kind::text || '/' || (CASE WHEN kind IN ('server', 'external') THEN lower(common_name::text) ELSE common_name::text END) || '/' || requested_by::text))
      WHERE status IN ('Requested', 'Pending')`);
    await q.query(`
      CREATE OR REPLACE FUNCTION enroll_submit_request(p_request jsonb, p_events jsonb, p_cancel_event jsonb, p_key_compromised boolean) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        r requests%ROWTYPE := jsonb_populate_record(NULL::requests, p_request);
        cancel jsonb;
        cancelled jsonb := '[]';
        cancel_reason text;
        open_key text;
      BEGIN
        r.id := nextval(pg_get_serial_sequence('requests', 'id'));
        IF EXISTS (SELECT 1 FROM revocations WHERE spki_sha256 = r.spki_sha256 AND reason = 'keyCompromise') <> p_key_compromised THEN
          RAISE EXCEPTION 'The key''s compromise is not what the caller assumed.' USING ERRCODE = 'EN001';
        END IF;
        IF p_cancel_event IS NOT NULL THEN
          open_key := r.package_id::text || '/' || r.kind::text || '/' || (CASE WHEN r.kind IN ('server', 'external') THEN lower(r.common_name::text) ELSE r.common_name::text END) || '/' || r.requested_by::text;
          PERFORM pg_advisory_xact_lock(hashtext(open_key));
          cancel_reason := replace(p_cancel_event->>'reason', '{id}', r.id::text);
          cancel := jsonb_set(jsonb_set(p_cancel_event, '{reason}', to_jsonb(cancel_reason)), '{details,reason}', to_jsonb(cancel_reason));
          WITH c AS (
            UPDATE requests SET status = 'Cancelled', updated_at = r.submitted_at, rejection_reason = cancel_reason
             WHERE package_id::text || '/' || kind::text || '/' || (CASE WHEN kind IN ('server', 'external') THEN lower(common_name::text) ELSE common_name::text END) || '/' || requested_by::text = open_key
               AND status IN ('Requested', 'Pending')
               AND (r.renewal_of IS NULL OR renewal_of IS DISTINCT FROM r.renewal_of)
            RETURNING id)
          SELECT coalesce(jsonb_agg(cancel || jsonb_build_object('requestId', id)), '[]') INTO cancelled FROM c;
        END IF;
        INSERT INTO requests OVERRIDING SYSTEM VALUE SELECT r.*;
        PERFORM enroll_record_events(
          (SELECT coalesce(jsonb_agg(e || jsonb_build_object('requestId', r.id)), '[]') FROM jsonb_array_elements(p_events) AS e) || cancelled);
        RETURN r.id;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
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
               AND (r.renewal_of IS NULL OR renewal_of IS DISTINCT FROM r.renewal_of)
            RETURNING id)
          SELECT coalesce(jsonb_agg(cancel || jsonb_build_object('requestId', id)), '[]') INTO cancelled FROM c;
        END IF;
        INSERT INTO requests OVERRIDING SYSTEM VALUE SELECT r.*;
        PERFORM enroll_record_events(
          (SELECT coalesce(jsonb_agg(e || jsonb_build_object('requestId', r.id)), '[]') FROM jsonb_array_elements(p_events) AS e) || cancelled);
        RETURN r.id;
      END $$`);
    await q.query(`DROP INDEX ux_requests_open_subject`);
    await q.query(`
      CREATE UNIQUE INDEX ux_requests_open_subject ON requests ((organization_id::text || '/' || kind::text || '/' || common_name::text))
      WHERE status IN ('Requested', 'Pending')`);
  }
}
