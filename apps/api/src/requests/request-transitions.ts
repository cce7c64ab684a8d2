import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DomainError,
  ISSUED_STATUSES,
  transition,
  type Channel,
  type EnrollmentType,
  type RequestAction,
  type RequestKind,
  type RequestStatus,
} from '@enroll/domain';
import type { ProfileInput, PublicKeyInfo, RequestedExtensions } from '@enroll/pki';
import type { DeviceDetails } from '@enroll/contract';
import type { CertificateRecord } from '../authority';
import type { ActorType } from '../audit/audit.service';
import { notFound } from '../common/app-error';
import { one, pool, rows, type Queryable } from '../common/sql';
import { eventJson, RequestEvents, type TransitionRecord } from './request-events';
import { RequestsRepository, type Scope } from './requests.repository';
import type { RequestRow } from './request-row';

/** What the CSR said, kept at submission so that nothing parses it again. */
export interface CsrFacts {
  readonly subject: string;
  readonly signatureAlgorithm: string;
  /** The subject fields the profile takes from the CSR, with the organization's. */
  readonly profileInput: ProfileInput;
}

/**
 * A requests row as enroll_submit_request takes it: every column but the id, as JSON for
 * jsonb_populate_record (bytea in PostgreSQL's hex form). Every key is required, so a column added
 * to the table and not written here fails to compile, and schema.int-spec.ts compares the keys
 * with the table's columns: a missing key would silently become NULL.
 */
export interface RequestRecord {
  organization_id: string;
  package_id: string;
  kind: RequestKind;
  channel: Channel;
  status: RequestStatus;
  enrollment_type: EnrollmentType;
  common_name: string;
  subject: string;
  csr_der: string;
  spki_sha256: string;
  spki_der: string;
  csr_facts: CsrFacts;
  public_key: PublicKeyInfo;
  requested_extensions: RequestedExtensions;
  device: DeviceDetails;
  phone: string | null;
  description: string | null;
  requested_by: string;
  rejection_reason: string | null;
  certificate_serial: string | null;
  submitted_at: string;
  updated_at: string;
  downloaded_at: string | null;
  downloaded_by: string | null;
  renewal_of: string | null;
}

/** One call of enroll_submit_request: the new request's id. */
async function submitRequest(
  q: Queryable,
  request: RequestRecord,
  events: TransitionRecord[],
  cancel: TransitionRecord | null,
  keyCompromised: boolean,
): Promise<string> {
  const created = await one<{ id: string }>(q, `SELECT enroll_submit_request($1, $2, $3, $4)::text AS id`, [
    JSON.stringify(request),
    JSON.stringify(events.map(eventJson)),
    cancel && JSON.stringify(eventJson(cancel)),
    keyCompromised,
  ]);
  return created?.id ?? '0';
}

/** Who moves a request, for its history and the audit log. */
export interface TransitionActor {
  readonly name: string;
  readonly type: ActorType;
}

/** The columns a transition may set besides the status. */
export interface TransitionPatch {
  readonly rejection_reason?: string | null;
  readonly downloaded_at?: Date;
  readonly downloaded_by?: string;
}

export interface Move {
  readonly action: RequestAction;
  readonly actor: TransitionActor;
  readonly now: Date;
  readonly reason?: string | null;
  readonly details?: Record<string, unknown>;
  readonly patch?: TransitionPatch;
  /** Runs in the transaction after the state changed (a revocation): its details join the audit event. */
  readonly effect?: (q: Queryable) => Promise<Record<string, unknown> | undefined>;
}

const PATCH_COLUMNS = ['rejection_reason', 'downloaded_at', 'downloaded_by'] as const;

/**
 * The one way a request changes state. Every transition is a conditional update on the state
 * that was read (`WHERE id = $1 AND status = <read>`), with its history row and audit event in the
 * same transaction: of concurrent decisions one wins, the others get 409 with the state they lost
 * to, and no row lock is held while a certificate is signed. Submission and approval, on the hot
 * path of every enrollment, are one database call each (enroll_submit_request and
 * enroll_approve_request; their current bodies are in the schema snapshot, apps/api/test/__snapshots__)
 * applying the same rule.
 */
@Injectable()
export class RequestTransitions {
  constructor(
    private readonly db: DataSource,
    private readonly events: RequestEvents,
    private readonly requests: RequestsRepository,
  ) {}

  /**
   * Stores a submitted request with its events, cancelling the older open request of the same
   * subject when `cancel` is given. EN001 when the key's compromise is not what was assumed.
   */
  submit(
    request: RequestRecord,
    events: TransitionRecord[],
    cancel: TransitionRecord | null,
    keyCompromised: boolean,
  ): Promise<string> {
    return submitRequest(pool(this.db), request, events, cancel, keyCompromised);
  }

  /**
   * submit(), in a transaction that is rolled back: every check of enroll_submit_request runs
   * (the key's compromise, the cancellation of the requester's open request, the unique index),
   * and nothing stays, no request, history, audit event or notification. The request id it drew
   * from the sequence is not given back (a sequence is not transactional): ids have gaps anyway.
   * Answers the ids of the requests the submission would cancel.
   */
  async rehearseSubmit(
    request: RequestRecord,
    events: TransitionRecord[],
    cancel: TransitionRecord | null,
    keyCompromised: boolean,
  ): Promise<number[]> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      try {
        const id = await submitRequest(runner, request, events, cancel, keyCompromised);
        if (cancel === null) {
          return [];
        }
        // The cancellation's audit events, found by their actor (ix_audit_events_actor) and the new id in their reason.
        const cancelled = await rows<{ id: string }>(
          runner,
          `SELECT request_id::text AS id FROM audit_events
            WHERE actor = $1 AND action = $2 AND details->>'reason' = $3 ORDER BY request_id`,
          [cancel.actor, cancel.action, (cancel.reason ?? '').replace('{id}', id)],
        );
        return cancelled.map((row) => Number(row.id));
      } finally {
        await runner.rollbackTransaction();
      }
    } finally {
      await runner.release();
    }
  }

  /** Approved, with the certificate signed for it, if the request is still in the state read. */
  async approve(scope: Scope, row: RequestRow, certificate: CertificateRecord, event: TransitionRecord): Promise<void> {
    const done = await one<{ done: boolean }>(pool(this.db), `SELECT enroll_approve_request($1, $2, $3, $4) AS done`, [
      row.id,
      row.status,
      JSON.stringify(certificate),
      JSON.stringify([eventJson(event)]),
    ]).catch((error: unknown) => {
      // enroll_approve_request (migration 015): the key was revoked for keyCompromise meanwhile.
      if ((error as { code?: unknown } | null)?.code === 'EN002') {
        throw new DomainError(
          'KEY_COMPROMISED',
          `Request ${row.id}'s key was revoked for key compromise: no certificate is issued for it.`,
        );
      }
      throw error;
    });
    if (done?.done !== true) {
      await this.lostRace(scope, Number(row.id), 'approve');
    }
  }

  /** Any other transition, from the state read in `row`. */
  async move(scope: Scope, row: RequestRow, move: Move): Promise<RequestRow> {
    const next = transition(row.status, move.action, row.kind);
    const patch = move.patch ?? {};
    const columns = PATCH_COLUMNS.filter((c) => c in patch);
    const set = columns.map((c, i) => `, ${c} = $${i + 5}`).join('');
    const moved = await this.db.transaction(async (manager) => {
      const updated = await rows<{ id: string }>(
        manager,
        `UPDATE requests SET status = $3, updated_at = $4${set} WHERE id = $1 AND status = $2 RETURNING id`,
        [row.id, row.status, next, move.now, ...columns.map((c) => patch[c])],
      );
      if (updated.length === 0) {
        return false;
      }
      const effect = await move.effect?.(manager);
      const details = { ...move.details, ...effect };
      await this.events.record(manager, {
        requestId: row.id,
        organizationId: row.organization_id,
        status: next,
        at: move.now,
        actor: move.actor.name,
        actorType: move.actor.type,
        action: `request.${move.action}`,
        reason: move.reason ?? null,
        ...(Object.keys(details).length > 0 ? { details } : {}),
      });
      return true;
    });
    if (!moved) {
      await this.lostRace(scope, Number(row.id), move.action);
    }
    return { ...row, ...patch, status: next, updated_at: move.now };
  }

  /**
   * Moves the issued requests whose certificates a revocation took with it (every certificate of
   * a compromised key) to Revoked, each from the state it is in, with its history.
   */
  async revokedWith(
    q: Queryable,
    serials: readonly string[],
    except: string,
    move: Omit<Move, 'action' | 'effect' | 'patch'>,
  ): Promise<void> {
    if (serials.length === 0) {
      return;
    }
    const moved = await rows<{ id: string; organization_id: string }>(
      q,
      `UPDATE requests SET status = 'Revoked', updated_at = $3 WHERE certificate_serial = ANY($1) AND id <> $2 AND status = ANY($4) RETURNING id, organization_id`,
      [serials, except, move.now, ISSUED_STATUSES],
    );
    await this.events.record(
      q,
      ...moved.map((r): TransitionRecord => ({
        requestId: r.id,
        organizationId: r.organization_id,
        status: 'Revoked',
        at: move.now,
        actor: move.actor.name,
        actorType: move.actor.type,
        action: 'request.revoke',
        reason: move.reason ?? null,
        ...(move.details ? { details: move.details } : {}),
      })),
    );
  }

  /**
   * Rejects the open (Requested, Pending) requests of a key just revoked for keyCompromise, each
   * from the state it is in, with its history: no certificate is issued for that key again.
   */
  async rejectOpenOfKey(
    q: Queryable,
    spkiSha256: Buffer,
    move: Omit<Move, 'action' | 'effect' | 'patch'>,
  ): Promise<void> {
    const reason = move.reason ?? 'The key was revoked for key compromise.';
    const rejected = await rows<{ id: string; organization_id: string }>(
      q,
      `UPDATE requests SET status = 'Rejected', rejection_reason = $2, updated_at = $3 WHERE spki_sha256 = $1 AND status IN ('Requested', 'Pending')
       RETURNING id, organization_id`,
      [spkiSha256, reason, move.now],
    );
    await this.events.record(
      q,
      ...rejected.map((r): TransitionRecord => ({
        requestId: r.id,
        organizationId: r.organization_id,
        status: 'Rejected',
        at: move.now,
        actor: move.actor.name,
        actorType: move.actor.type,
        action: 'request.reject',
        reason,
        ...(move.details ? { details: move.details } : {}),
      })),
    );
  }

  /** Another transition came first: answer with the state it left (404 if it left the scope). */
  private async lostRace(scope: Scope, id: number, action: RequestAction): Promise<never> {
    const current = await this.requests.find(this.requests.db, scope, id);
    if (!current) {
      throw notFound(`Request ${id}`);
    }
    transition(current.status, action, current.kind);
    throw new DomainError('INVALID_TRANSITION', `Request ${id} changed while it was being decided.`, {
      currentStatus: current.status,
      action,
    });
  }
}
