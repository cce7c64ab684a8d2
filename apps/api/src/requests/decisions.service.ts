import { Injectable } from '@nestjs/common';
import { assertCanDecide, organizationScope, transition, type Actor, type ApiRevocationReason } from '@enroll/domain';
import { parseCsr } from '@enroll/pki';
import { AuthorityService, CrlService, type SubjectKey } from '../authority';
import type { ActorType } from '../audit/audit.service';
import { notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { profileInputFor } from './enrollment.service';
import { RequestTransitions } from './request-transitions';
import { RequestsRepository, type DecisionRow, type Scope } from './requests.repository';
import { requestView, type RequestRow, type RequestView } from './request-row';

/** The answer to an approval (docs/api.md): the request, now Approved, with its certificate. */
export type ApprovedRequest = RequestView & {
  certificate: { serialNumber: string; notBefore: Date; notAfter: Date; status: 'valid' };
};

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

/** What approval certifies, as stored at submission (older requests: read from their CSR). */
function approvalInput(row: DecisionRow): { key: SubjectKey; input: ReturnType<typeof profileInputFor> } {
  if (row.spki_der && row.csr_facts) {
    return { key: { spki: row.spki_der, publicKey: row.public_key }, input: row.csr_facts.profileInput };
  }
  const csr = parseCsr(row.csr_der);
  return { key: csr, input: profileInputFor(csr, { code: row.organization_code, country: row.organization_country }) };
}

/**
 * A person's decisions: approve (the certificate is signed, then stored with the approval),
 * reject, revoke; and a device's revocation of its own certificate. Each reads the request in
 * the caller's scope first, so a foreign id is a 404, a kind the role may not decide a 403, a
 * wrong state a 409, and then moves it through RequestTransitions: a race has one winner.
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly clock: Clock,
    private readonly authority: AuthorityService,
    private readonly crl: CrlService,
    private readonly requests: RequestsRepository,
    private readonly transitions: RequestTransitions,
  ) {}

  /**
   * Approves and signs; answers the request with its new certificate's serial and validity.
   * Read, decide, sign, then one conditional write (enroll_approve_request): of concurrent
   * approvals one wins; the others' signatures are never stored nor sent, and they get the 409 of
   * the state they lost to. No row lock is held while signing.
   */
  approve(actor: Actor, id: number, comment?: string): Promise<ApprovedRequest> {
    return this.approveAs(personActor(actor), personScope(actor), id, comment);
  }

  /** approve(), by a person or by the system (an automatic renewal), within a scope. */
  async approveAs(who: DecisionActor, scope: Scope, id: number, comment?: string): Promise<ApprovedRequest> {
    const row = await this.requests.findForDecision(scope, id);
    if (!row) {
      throw notFound(`Request ${id}`);
    }
    if (who.person) {
      assertCanDecide(who.person, row.kind);
    }
    transition(row.status, 'approve', row.kind);
    const now = this.clock.now();
    const { key, input } = approvalInput(row);
    const { issued, record } = await this.authority.sign(
      row.kind,
      input,
      key,
      { requestId: row.id, organizationId: row.organization_id },
      now,
    );
    // The stored subject is the request's: the one the managers saw and the certificate carries.
    await this.transitions.approve(scope, row, record, {
      requestId: row.id,
      organizationId: row.organization_id,
      status: 'Approved',
      at: now,
      actor: who.name,
      actorType: who.type,
      action: 'request.approve',
      reason: comment ?? null,
      details: { serialNumber: issued.serialNumber },
    });
    const certificate = {
      serialNumber: issued.serialNumber,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      status: 'valid' as const,
    };
    return {
      ...requestView({ ...row, status: 'Approved', updated_at: now, certificate_serial: issued.serialNumber }),
      certificate,
    };
  }

  async reject(actor: Actor, id: number, reason: string): Promise<RequestRow> {
    const scope = personScope(actor);
    const row = await this.read(personActor(actor), scope, id);
    return this.transitions.move(scope, row, {
      action: 'reject',
      actor: personActor(actor),
      now: this.clock.now(),
      reason,
      patch: { rejection_reason: reason },
    });
  }

  /**
   * Revokes a request's certificate; for keyCompromise, every certificate of that key, and
   * their requests with it. Then publishes a CRL that lists them (OCSP and the mTLS port read
   * the database, so they know at once).
   */
  async revoke(who: DecisionActor, scope: Scope, id: number, reason: ApiRevocationReason): Promise<RequestRow> {
    const row = await this.read(who, scope, id);
    const now = this.clock.now();
    const revoked = await this.transitions.move(scope, row, {
      action: 'revoke',
      actor: who,
      now,
      reason,
      effect: async (q) => {
        const certificates = await this.authority.revoke(q, { requestId: row.id }, reason, who, now);
        const own = certificates.find((c) => c.request_id === row.id);
        const others = certificates.filter((c) => c !== own);
        await this.transitions.revokedWith(
          q,
          others.map((c) => c.serial),
          row.id,
          { actor: who, now, reason, details: { sameKeyAs: own?.serial ?? row.certificate_serial } },
        );
        if (reason === 'keyCompromise' && own) {
          await this.transitions.rejectOpenOfKey(q, own.spki_sha256, {
            actor: who,
            now,
            reason: `The key was revoked for key compromise with certificate ${own.serial}.`,
          });
        }
        return {
          serialNumber: own?.serial ?? row.certificate_serial,
          ...(others.length > 0 ? { sameKeyRevoked: others.map((c) => c.serial) } : {}),
        };
      },
    });
    this.crl.refreshQuietly();
    return revoked;
  }

  private async read(who: DecisionActor, scope: Scope, id: number): Promise<RequestRow> {
    const row = await this.requests.find(this.requests.db, scope, id);
    if (!row) {
      throw notFound(`Request ${id}`);
    }
    if (who.person) {
      assertCanDecide(who.person, row.kind);
    }
    return row;
  }
}
