import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { assertCanDecide, DomainError, organizationScope, transition, type Actor, type ApiRevocationReason, type RequestAction, type RequestStatus } from '@enroll/domain';
import { parseCsr } from '@enroll/pki';
import { notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { byteaJson, one, pool } from '../common/sql';
import { CaService } from '../pki/ca.service';
import { CrlService } from '../pki/crl.service';
import { eventJson, RequestEvents } from './request-events';
import { RequestsRepository, type Scope } from './requests.repository';
import { requestView, type RequestRow, type RequestView } from './request-row';
import { profileInputFor, spkiHash } from './submission.service';
import type { ActorType } from '../audit/audit.service';

/** The answer to an approval (API.md): the request, now Approved, with its certificate. */
export type ApprovedRequest = RequestView & { certificate: { serialNumber: string; notBefore: Date; notAfter: Date; status: 'valid' } };

/** What a decision's effect adds: the history reason, audit details, and columns it sets. */
interface Outcome {
  readonly reason: string | null;
  readonly details?: Record<string, unknown>;
  readonly patch?: Partial<Pick<RequestRow, 'certificate_serial' | 'rejection_reason'>>;
}

/** Who acts: a person (manager or administrator), or a device revoking its own certificate. */
export interface DecisionActor {
  readonly name: string;
  readonly type: ActorType;
  /** For people: the role decides which kinds they may decide. Devices act on their own request only. */
  readonly person?: Actor;
}

export const personActor = (actor: Actor): DecisionActor => ({ name: actor.username, type: 'user', person: actor });
export const personScope = (actor: Actor): Scope => {
  const organizationCode = organizationScope(actor);
  return organizationCode === undefined ? {} : { organizationCode };
};

/**
 * A person's decisions: approve (the certificate is signed in the same transaction that records
 * the approval), reject, revoke. Each locks the request row in its scope first, so a foreign id
 * is a 404, a kind the role may not decide a 403, a wrong state a 409, and a race has one winner.
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly ca: CaService,
    private readonly crl: CrlService,
    private readonly events: RequestEvents,
    private readonly requests: RequestsRepository,
  ) {}

  /**
   * Approves and signs; answers the request with its new certificate's serial and validity.
   * Read, decide, sign, then one conditional write: the request moves to Approved and the
   * certificate is stored only if it is still in the state that was read (enroll_approve_request).
   * Of concurrent approvals one wins; the others' signatures are never stored nor sent, and they
   * get the 409 of the state they lost to. No row lock is held while signing.
   */
  async approve(actor: Actor, id: number, comment?: string): Promise<ApprovedRequest> {
    const db = pool(this.db);
    const scope = personScope(actor);
    const row = await this.requests.findForDecision(scope, id);
    if (!row) {
      throw notFound(`Request ${id}`);
    }
    assertCanDecide(actor, row.kind);
    transition(row.status, 'approve', row.kind);
    const csr = parseCsr(row.csr_der);
    const profile = row.kind;
    const now = this.clock.now();
    const issued = await this.ca.issue(profile, profileInputFor(csr, { code: row.organization_code, country: row.organization_country }), csr, now);
    const stored = {
      serial: issued.serialNumber, request_id: row.id, user_id: null, organization_id: row.organization_id, profile, issuer_key_id: byteaJson(this.ca.ca.issuing.keyId),
      subject: row.subject, common_name: row.common_name, not_before: issued.notBefore.toISOString(), not_after: issued.notAfter.toISOString(),
      der: byteaJson(issued.der), spki_sha256: byteaJson(spkiHash(csr.spki)), status: 'valid', created_at: now.toISOString(),
    };
    const event = eventJson({
      requestId: row.id, organizationId: row.organization_id, status: 'Approved', at: now, actor: actor.username, actorType: 'user',
      action: 'request.approve', reason: comment ?? null, details: { serialNumber: issued.serialNumber },
    });
    const done = await one<{ done: boolean }>(db, `SELECT enroll_approve_request($1, $2, $3, $4) AS done`, [row.id, row.status, JSON.stringify(stored), JSON.stringify([event])]);
    if (done?.done !== true) {
      // Another decision came first: answer with the state it left (404 if it is gone from scope).
      const current = await this.requests.find(db, scope, id);
      if (!current) {
        throw notFound(`Request ${id}`);
      }
      transition(current.status, 'approve', current.kind);
      throw new DomainError('INVALID_TRANSITION', `Request ${id} changed while it was being approved.`, { currentStatus: current.status, action: 'approve' });
    }
    const certificate = { serialNumber: issued.serialNumber, notBefore: issued.notBefore, notAfter: issued.notAfter, status: 'valid' as const };
    return { ...requestView({ ...row, status: 'Approved', updated_at: now, certificate_serial: issued.serialNumber }), certificate };
  }

  reject(actor: Actor, id: number, reason: string): Promise<RequestRow> {
    return this.decide(personActor(actor), personScope(actor), id, 'reject', () => Promise.resolve({ reason, patch: { rejection_reason: reason } }));
  }

  async revoke(who: DecisionActor, scope: Scope, id: number, reason: ApiRevocationReason): Promise<RequestRow> {
    const revoked = await this.decide(who, scope, id, 'revoke', async (manager, row, now) => {
      const certificate = await one<{ serial: string; spki_sha256: Buffer; not_after: Date }>(
        manager,
        `SELECT serial, spki_sha256, not_after FROM certificates WHERE request_id = $1 FOR UPDATE`,
        [row.id],
      );
      if (certificate) {
        await manager.query(`UPDATE certificates SET status = 'revoked' WHERE serial = $1`, [certificate.serial]);
        await manager.query(`INSERT INTO revocations (serial, revoked_at, reason, actor, spki_sha256, not_after) VALUES ($1, $2, $3, $4, $5, $6)`, [
          certificate.serial, now, reason, who.name, certificate.spki_sha256, certificate.not_after,
        ]);
      }
      return { reason, details: { serialNumber: certificate?.serial ?? null } };
    });
    // After the commit: publish a CRL that lists it (OCSP and the mTLS port read the table directly).
    this.crl.refreshQuietly();
    return revoked;
  }

  private async decide(
    who: DecisionActor,
    scope: Scope,
    id: number,
    action: RequestAction,
    effect: (manager: EntityManager, row: RequestRow, now: Date) => Promise<Outcome>,
  ): Promise<RequestRow> {
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const row = await this.requests.find(manager, scope, id, { lock: true });
      if (!row) {
        throw notFound(`Request ${id}`);
      }
      if (who.person) {
        assertCanDecide(who.person, row.kind);
      }
      const next: RequestStatus = transition(row.status, action, row.kind);
      const outcome = await effect(manager, row, now);
      const updated: RequestRow = { ...row, ...outcome.patch, status: next, updated_at: now };
      // One statement for the state change and what the decision adds (serial or reason).
      await manager.query(`UPDATE requests SET status = $2, updated_at = $3, certificate_serial = $4, rejection_reason = $5 WHERE id = $1`, [
        row.id, next, now, updated.certificate_serial, updated.rejection_reason,
      ]);
      await this.events.record(manager, {
        requestId: row.id, organizationId: row.organization_id, status: next, at: now, actor: who.name, actorType: who.type,
        action: `request.${action}`, reason: outcome.reason, ...(outcome.details ? { details: outcome.details } : {}),
      });
      return updated;
    });
  }
}
