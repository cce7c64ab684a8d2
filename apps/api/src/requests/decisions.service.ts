import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { assertCanDecide, organizationScope, transition, type Actor, type ApiRevocationReason, type RequestAction, type RequestStatus } from '@enroll/domain';
import { parseCsr } from '@enroll/pki';
import { notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { one } from '../common/sql';
import { CaService } from '../pki/ca.service';
import { CrlService } from '../pki/crl.service';
import { RequestEvents } from './request-events';
import { RequestsRepository, type Scope } from './requests.repository';
import { requestView, type RequestRow, type RequestView } from './request-row';
import { profileInputFor, spkiHash } from './submission.service';
import type { ActorType } from '../audit/audit.service';

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

  /** Approves and signs; answers the request with its new certificate's serial and validity. */
  async approve(actor: Actor, id: number, comment?: string): Promise<RequestView & { certificate: { serialNumber: string; notBefore: Date; notAfter: Date; status: 'valid' } }> {
    let certificate: { serialNumber: string; notBefore: Date; notAfter: Date; status: 'valid' } | undefined;
    const row = await this.decide(personActor(actor), personScope(actor), id, 'approve', async (manager, row, now) => {
      const details = await one<{ csr_der: Buffer }>(manager, `SELECT csr_der FROM requests WHERE id = $1`, [row.id]);
      const csr = parseCsr(details?.csr_der ?? Buffer.alloc(0));
      const profile = row.kind === 'external' ? 'external' : row.kind;
      const issued = await this.ca.issue(profile, profileInputFor(csr, { code: row.organization_code, country: row.organization_country }), csr, now);
      await manager.query(
        `INSERT INTO certificates (serial, request_id, organization_id, profile, issuer_key_id, subject, common_name, not_before, not_after, der, spki_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [issued.serialNumber, row.id, row.organization_id, profile, this.ca.ca.issuing.keyId, row.subject, row.common_name, issued.notBefore, issued.notAfter, issued.der, spkiHash(csr.spki)],
      );
      certificate = { serialNumber: issued.serialNumber, notBefore: issued.notBefore, notAfter: issued.notAfter, status: 'valid' };
      return { reason: comment ?? null, details: { serialNumber: issued.serialNumber }, patch: { certificate_serial: issued.serialNumber } };
    });
    if (!certificate) {
      throw new Error('approve finished without a certificate');
    }
    return { ...requestView(row), certificate };
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
      const row = await this.requests.find(manager, scope, id, true);
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
