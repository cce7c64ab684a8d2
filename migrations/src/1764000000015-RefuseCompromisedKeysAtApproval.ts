import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No certificate for a compromised key, ever: approval refuses (EN002) when the key of the
 * certificate it would store was revoked for keyCompromise on any certificate, checked in the
 * same statement that stores it (ix_revocations_spki_reason). The revocation itself rejects the
 * open requests of that key; this closes the race with an approval signing at that moment.
 */
export class RefuseCompromisedKeysAtApproval1764000000015 implements MigrationInterface {
  name = 'RefuseCompromisedKeysAtApproval1764000000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION enroll_approve_request(p_id bigint, p_from varchar, p_certificate jsonb, p_events jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        c certificates%ROWTYPE := jsonb_populate_record(NULL::certificates, p_certificate);
      BEGIN
        IF EXISTS (SELECT 1 FROM revocations WHERE spki_sha256 = c.spki_sha256 AND reason = 'keyCompromise') THEN
          RAISE EXCEPTION 'The key of this request was revoked for key compromise.' USING ERRCODE = 'EN002';
        END IF;
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
  }
}
