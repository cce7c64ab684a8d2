import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError, enrollmentTypeFor, evaluateSubmission, transition } from '@enroll/domain';
import { buildSubject, checkRequestedUsages, isPkiError, nameValue, OID, parseCsr, PkiError, PROFILES, toRfc4514, type ParsedCsr, type ProfileInput } from '@enroll/pki';
import { Clock } from '../common/clock';
import type { PackagePrincipal } from '../common/principal';
import { one } from '../common/sql';
import { RequestEvents } from './request-events';
import { requestView, type RequestView } from './request-row';
import type { SubmitRequestDto } from './dto/submit-request.dto';

/** What the CA will put in the subject: the organization from the package, the rest from the CSR. */
export function profileInputFor(csr: ParsedCsr, organization: { code: string; country: string }): ProfileInput {
  const commonName = nameValue(csr.subject, OID.commonName);
  if (!commonName) {
    throw new PkiError('SUBJECT_INVALID', 'The request has no common name (CN).');
  }
  const state = nameValue(csr.subject, OID.stateOrProvinceName);
  const locality = nameValue(csr.subject, OID.localityName);
  const email = nameValue(csr.subject, OID.emailAddress);
  return {
    commonName,
    organizationCode: organization.code,
    country: organization.country,
    ...(state ? { state } : {}),
    ...(locality ? { locality } : {}),
    ...(email ? { email } : {}),
  };
}

export const spkiHash = (spki: Buffer): Buffer => createHash('sha256').update(spki).digest();

@Injectable()
export class SubmissionService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly events: RequestEvents,
  ) {}

  /**
   * Submits a request. An unreadable or rule-breaking CSR is refused before anything is stored.
   * A readable one is stored and goes through the policy: Pending, or Rejected with its reason.
   * A Pending one cancels the older open request for the same organization, kind and CN, in the
   * same transaction; an advisory lock on that triple serializes concurrent submissions, and the
   * partial unique index ux_requests_open_subject guarantees the outcome.
   */
  async submit(pkg: PackagePrincipal, input: SubmitRequestDto): Promise<RequestView> {
    const csr = parseCsr(input.csr);
    const profileInput = profileInputFor(csr, { code: pkg.organizationCode, country: pkg.country });
    const subject = buildSubject(PROFILES[input.kind], profileInput);
    const spkiSha256 = spkiHash(csr.spki);
    const now = this.clock.now();
    const view = await this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${pkg.organizationId}|${input.kind}|${profileInput.commonName}`]);
      // One round trip: the key-compromise check and the id the new request will have.
      const facts = await one<{ id: string; compromised: boolean }>(
        manager,
        `SELECT nextval(pg_get_serial_sequence('requests', 'id'))::text AS id,
                EXISTS (SELECT 1 FROM revocations WHERE spki_sha256 = $1 AND reason = 'keyCompromise') AS compromised`,
        [spkiSha256],
      );
      const id = facts?.id ?? '0';
      const verdict = evaluateSubmission({
        kind: input.kind,
        packageKinds: pkg.kinds,
        keyCompromised: facts?.compromised === true,
        usageProblem: input.kind === 'external' ? usageProblem(csr) : undefined,
      });
      const status = transition('Requested', verdict.action, input.kind);
      if (verdict.action === 'accept') {
        const superseded = await manager.query<{ id: string }[]>(
          `WITH cancelled AS (
             UPDATE requests SET status = 'Cancelled', updated_at = $4, rejection_reason = $5
              WHERE organization_id = $1 AND kind = $2 AND common_name = $3 AND status IN ('Requested', 'Pending') RETURNING id)
           SELECT id FROM cancelled`,
          // The reason travels with the list item, so the client need not fetch each one.
          [pkg.organizationId, input.kind, profileInput.commonName, now, `Superseded by request ${id}.`],
        );
        for (const old of superseded) {
          await this.events.record(manager, {
            requestId: old.id, organizationId: pkg.organizationId, status: 'Cancelled', at: now, actor: input.requestedBy, actorType: 'package',
            action: 'request.cancel', reason: `Superseded by request ${id}.`,
          });
        }
      }
      await manager.query(
        `INSERT INTO requests (id, organization_id, package_id, kind, status, enrollment_type, common_name, subject, csr_der, spki_sha256, public_key,
                               requested_extensions, device, phone, description, requested_by, rejection_reason, submitted_at, updated_at)
         OVERRIDING SYSTEM VALUE
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
        [
          id, pkg.organizationId, pkg.packageId, input.kind, status, enrollmentTypeFor(input.kind, pkg.store), profileInput.commonName, toRfc4514(subject),
          csr.der, spkiSha256, csr.publicKey, csr.requestedExtensions, input.device ?? {}, input.phone ?? null, input.description ?? null,
          input.requestedBy, verdict.action === 'refuse' ? verdict.reason : null, now,
        ],
      );
      await this.events.record(manager, { requestId: id, organizationId: pkg.organizationId, status: 'Requested', at: now, actor: input.requestedBy, actorType: 'package', action: 'request.submit', details: { packageId: pkg.packageId, kind: input.kind } });
      await this.events.record(manager, {
        requestId: id, organizationId: pkg.organizationId, status, at: now, actor: 'policy', actorType: 'system',
        action: verdict.action === 'accept' ? 'request.accept' : 'request.refuse', reason: verdict.action === 'refuse' ? verdict.reason : null,
      });
      return requestView({
        id, organization_id: pkg.organizationId, organization_code: pkg.organizationCode, organization_country: pkg.country, package_id: pkg.packageId,
        kind: input.kind, status, enrollment_type: enrollmentTypeFor(input.kind, pkg.store), common_name: profileInput.commonName, subject: toRfc4514(subject),
        requested_by: input.requestedBy, submitted_at: now, updated_at: now, downloaded_at: null, downloaded_by: null,
        rejection_reason: verdict.action === 'refuse' ? verdict.reason : null, certificate_serial: null,
      });
    });
    if (!pkg.kinds.includes(input.kind)) {
      // API.md answers 403 for a kind the package does not allow; DESIGN.md keeps it, Rejected, for the managers.
      throw new DomainError('KIND_NOT_ALLOWED', `This enrollment package does not allow ${input.kind} requests.`, { requestId: view.id, requestStatus: view.status });
    }
    return view;
  }
}

function usageProblem(csr: ParsedCsr): string | undefined {
  try {
    checkRequestedUsages(PROFILES.external, csr);
    return undefined;
  } catch (error) {
    if (isPkiError(error)) {
      return error.message;
    }
    throw error;
  }
}
