import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError, enrollmentTypeFor, evaluateSubmission, transition } from '@enroll/domain';
import { buildSubject, checkRequestedUsages, isPkiError, nameValue, OID, parseCsr, PkiError, PROFILES, toRfc4514, type ParsedCsr, type ProfileInput } from '@enroll/pki';
import { Clock } from '../common/clock';
import type { PackagePrincipal } from '../common/principal';
import { byteaJson, one, pool, type Queryable } from '../common/sql';
import { eventJson } from './request-events';
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
    const made = { csr, commonName: profileInput.commonName, subject: toRfc4514(subject), spkiSha256, now };
    let view: RequestView;
    try {
      view = await this.write(pool(this.db), pkg, input, made, false);
    } catch (error) {
      // The key's compromise was not as assumed (it is rare: revoked for keyCompromise): decide again, knowing it.
      if ((error as { code?: unknown } | null)?.code !== 'EN001') {
        throw error;
      }
      view = await this.write(pool(this.db), pkg, input, made, true);
    }
    if (!pkg.kinds.includes(input.kind)) {
      // API.md answers 403 for a kind the package does not allow; DESIGN.md keeps it, Rejected, for the managers.
      throw new DomainError('KIND_NOT_ALLOWED', `This enrollment package does not allow ${input.kind} requests.`, { requestId: view.id, requestStatus: view.status });
    }
    return view;
  }

  /**
   * One round trip: enroll_submit_request (migration 1764000000008) stores the request, cancels
   * the older open request of the same subject and writes every history and audit row, in one
   * transaction. The policy is decided here; the function only checks the one fact it needs from
   * the database, the key's compromise, and refuses (EN001) if `keyCompromised` assumed wrong.
   */
  private async write(db: Queryable, pkg: PackagePrincipal, input: SubmitRequestDto, made: { csr: ParsedCsr; commonName: string; subject: string; spkiSha256: Buffer; now: Date }, keyCompromised: boolean): Promise<RequestView> {
    const { csr, commonName, subject, spkiSha256, now } = made;
    const verdict = evaluateSubmission({
      kind: input.kind,
      packageKinds: pkg.kinds,
      keyCompromised,
      usageProblem: input.kind === 'external' ? usageProblem(csr) : undefined,
    });
    const status = transition('Requested', verdict.action, input.kind);
    const rejectionReason = verdict.action === 'refuse' ? verdict.reason : null;
    const enrollmentType = enrollmentTypeFor(input.kind, pkg.store);
    const request = {
      organization_id: pkg.organizationId, package_id: pkg.packageId, kind: input.kind, status, enrollment_type: enrollmentType,
      common_name: commonName, subject, csr_der: byteaJson(csr.der), spki_sha256: byteaJson(spkiSha256), public_key: csr.publicKey,
      requested_extensions: csr.requestedExtensions, device: input.device ?? {}, phone: input.phone ?? null, description: input.description ?? null,
      requested_by: input.requestedBy, rejection_reason: rejectionReason, submitted_at: now.toISOString(), updated_at: now.toISOString(),
    };
    // The function sets each event's requestId; '{id}' in the cancellation's reason becomes the new id.
    const common = { organizationId: pkg.organizationId, at: now };
    const events = [
      eventJson({ ...common, status: 'Requested', actor: input.requestedBy, actorType: 'package', action: 'request.submit', details: { packageId: pkg.packageId, kind: input.kind } }),
      eventJson({ ...common, status, actor: 'policy', actorType: 'system', action: verdict.action === 'accept' ? 'request.accept' : 'request.refuse', reason: rejectionReason }),
    ];
    const cancel = verdict.action === 'accept'
      ? eventJson({ ...common, status: 'Cancelled', actor: input.requestedBy, actorType: 'package', action: 'request.cancel', reason: 'Superseded by request {id}.' })
      : null;
    const created = await one<{ id: string }>(db, `SELECT enroll_submit_request($1, $2, $3, $4)::text AS id`, [JSON.stringify(request), JSON.stringify(events), cancel && JSON.stringify(cancel), keyCompromised]);
    const id = created?.id ?? '0';
    return requestView({
      id, organization_id: pkg.organizationId, organization_code: pkg.organizationCode, organization_country: pkg.country, package_id: pkg.packageId,
      kind: input.kind, status, enrollment_type: enrollmentType, common_name: commonName, subject, requested_by: input.requestedBy,
      submitted_at: now, updated_at: now, downloaded_at: null, downloaded_by: null, rejection_reason: rejectionReason, certificate_serial: null,
    });
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
