import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Renewal over mutual TLS:
 * - `enrollment_packages.renewal`: `automatic` (issued at once, the default) or `approval`
 *   (Pending, like a new request); `renewal_same_key`: whether a renewal may keep the key (a new
 *   key is the default).
 * - `requests.renewal_of`: the request whose certificate this one renews (a device's lineage).
 *   At most one live renewal per certificate: of two renewals at once, exactly one is stored
 *   (a rejected or cancelled one does not count).
 */
export class AddRenewal1764000000013 implements MigrationInterface {
  name = 'AddRenewal1764000000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollment_packages ADD COLUMN renewal varchar(16) NOT NULL DEFAULT 'automatic'`);
    await q.query(
      `ALTER TABLE enrollment_packages ADD CONSTRAINT ck_enrollment_packages_renewal CHECK (renewal IN ('automatic', 'approval'))`,
    );
    await q.query(`ALTER TABLE enrollment_packages ADD COLUMN renewal_same_key boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE requests ADD COLUMN renewal_of bigint NULL`);
    await q.query(
      `ALTER TABLE requests ADD CONSTRAINT fk_requests_renewal_of FOREIGN KEY (renewal_of) REFERENCES requests (id)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX ux_requests_renewal_of ON requests (renewal_of) WHERE renewal_of IS NOT NULL AND status NOT IN ('Rejected', 'Cancelled')`,
    );
    // The lineage walks down from a request to its renewals, refused ones included.
    await q.query(`CREATE INDEX ix_requests_renewal_of ON requests (renewal_of) WHERE renewal_of IS NOT NULL`);
    // A renewal never cancels an open renewal of the same certificate: the second of two
    // concurrent renewals then meets the first in the unique indexes, and is refused, instead of
    // cancelling the first one between its submission and its approval.
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
            RETURNING id)
          SELECT coalesce(jsonb_agg(cancel || jsonb_build_object('requestId', id)), '[]') INTO cancelled FROM c;
        END IF;
        INSERT INTO requests OVERRIDING SYSTEM VALUE SELECT r.*;
        PERFORM enroll_record_events(
          (SELECT coalesce(jsonb_agg(e || jsonb_build_object('requestId', r.id)), '[]') FROM jsonb_array_elements(p_events) AS e) || cancelled);
        RETURN r.id;
      END $$`);
    await q.query(`DROP INDEX ix_requests_renewal_of`);
    await q.query(`DROP INDEX ux_requests_renewal_of`);
    await q.query(`ALTER TABLE requests DROP CONSTRAINT fk_requests_renewal_of`);
    await q.query(`ALTER TABLE requests DROP COLUMN renewal_of`);
    await q.query(`ALTER TABLE enrollment_packages DROP COLUMN renewal_same_key`);
    await q.query(`ALTER TABLE enrollment_packages DROP CONSTRAINT ck_enrollment_packages_renewal`);
    await q.query(`ALTER TABLE enrollment_packages DROP COLUMN renewal`);
  }
}
