import { Injectable } from '@nestjs/common';
import {
  DomainError,
  enrollmentTypeFor,
  evaluateSubmission,
  transition,
  type CertificateStore,
  type Channel,
  type RequestKind,
} from '@enroll/domain';
import {
  buildSubject,
  checkRequestedUsages,
  isPkiError,
  nameValue,
  OID,
  parseCsr,
  PkiError,
  PROFILES,
  toRfc4514,
  type ParsedCsr,
  type ProfileInput,
} from '@enroll/pki';
import type { DeviceDetails, SubmissionPreview } from '@enroll/contract';
import { spkiHash } from '../authority';
import { Clock } from '../common/clock';
import { uniqueViolation } from '../common/database-errors';
import { byteaJson } from '../common/sql';
import type { TransitionRecord } from './request-events';
import { RequestTransitions, type CsrFacts, type RequestRecord } from './request-transitions';
import { requestView, type RequestView } from './request-row';

/** The enrollment package a submission comes under: it fixes the organization, the store and the kinds allowed. */
export interface PackageGrant {
  readonly packageId: string;
  readonly organizationId: string;
  readonly organizationCode: string;
  readonly country: string;
  readonly store: CertificateStore;
  readonly kinds: readonly RequestKind[];
}

/**
 * A submission, whatever the door: who (the package whose credential came with it), through which
 * channel, and what. REST, EST, SCEP and renewal are adapters that build one of these.
 */
export interface SubmitCommand {
  readonly grant: PackageGrant;
  readonly channel: Channel;
  readonly kind: RequestKind;
  /** PEM, or DER as the binary protocols carry it. */
  readonly csr: string | Uint8Array;
  /** The requesting account (`DOMAIN\user`), or what the protocol says of the device. */
  readonly requestedBy: string;
  readonly phone?: string | null;
  readonly description?: string | null;
  readonly device?: DeviceDetails;
  /** A renewal: the request whose certificate this one renews. */
  readonly renewalOf?: string;
}

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

/** A CSR read once, with everything the request keeps of it. */
export interface ReadCsr {
  readonly csr: ParsedCsr;
  readonly facts: CsrFacts;
  readonly subject: string;
}

/** The enrollment use case: submission, independent of any transport. */
@Injectable()
export class EnrollmentService {
  constructor(
    private readonly clock: Clock,
    private readonly transitions: RequestTransitions,
  ) {}

  /**
   * Submits a request. An unreadable or rule-breaking CSR is refused before anything is stored.
   * A readable one is stored and goes through the policy: Pending, or Rejected with its reason.
   * A Pending one cancels the same requester's older open request of the same package, kind and
   * CN (DNS names without case; migration 040), in the same transaction; an advisory lock on that
   * key serializes concurrent submissions, and the partial unique index ux_requests_open_subject
   * guarantees the outcome. A renewal never cancels an open renewal of the same certificate.
   */
  submit(command: SubmitCommand): Promise<RequestView> {
    return this.submitRead(command, readCsr(command));
  }

  /** submit(), for an adapter that has read the CSR already (renewal checks it first). */
  async submitRead(command: SubmitCommand, read: ReadCsr): Promise<RequestView> {
    const now = this.clock.now();
    const view = await withCompromiseKnown((keyCompromised) => this.write(command, read, now, keyCompromised));
    checkKindAllowed(command, view);
    return view;
  }

  /**
   * A dry run of submit() (docs/api.md, `?dryRun=true`): the same checks in the same order (the
   * CSR and key rules, the profile, the policy, the package's kinds, the key's compromise and the
   * requester's open request, by enroll_submit_request itself in a rolled-back transaction), and
   * the same problems; it answers what would be stored and issued, and stores and audits nothing.
   */
  async preview(command: SubmitCommand): Promise<SubmissionPreview> {
    const read = readCsr(command);
    const now = this.clock.now();
    const { decided, cancels } = await withCompromiseKnown(async (keyCompromised) => {
      const decision = decide(command, read, now, keyCompromised);
      const cancelled = await this.transitions.rehearseSubmit(
        decision.request,
        decision.events,
        decision.cancel,
        keyCompromised,
      );
      return { decided: decision, cancels: cancelled };
    });
    checkKindAllowed(command, undefined);
    const profile = PROFILES[command.kind];
    const { profileInput } = read.facts;
    return {
      kind: command.kind,
      subject: read.subject,
      commonName: profileInput.commonName,
      keyUsage: [...profile.keyUsage(read.csr.publicKey)],
      extendedKeyUsage: [...profile.extendedKeyUsage],
      subjectAltNames: profile
        .subjectAltNames(profileInput)
        .flatMap((name) => (name.type === 'other' ? [] : [{ type: name.type, value: name.value }])),
      validityDays: profile.validityDays,
      enrollmentType: decided.request.enrollment_type,
      verdict: decided.request.status === 'Rejected' ? 'Rejected' : 'Pending',
      ...(decided.request.rejection_reason === null ? {} : { rejectionReason: decided.request.rejection_reason }),
      cancels,
    };
  }

  /**
   * The policy is decided here; enroll_submit_request checks the one fact it needs from the
   * database, the key's compromise, and refuses (EN001) if `keyCompromised` assumed wrong.
   */
  private async write(command: SubmitCommand, read: ReadCsr, now: Date, keyCompromised: boolean): Promise<RequestView> {
    const { grant, kind } = command;
    const { request, events, cancel } = decide(command, read, now, keyCompromised);
    let id: string;
    try {
      id = await this.transitions.submit(request, events, cancel, keyCompromised);
    } catch (error) {
      // Two renewals of one certificate: the second meets the first in either unique index (the
      // submission never cancels an open renewal of the same certificate).
      const violated = uniqueViolation(error);
      if (
        command.renewalOf !== undefined &&
        (violated === 'ux_requests_renewal_of' || violated === 'ux_requests_open_subject')
      ) {
        throw new DomainError(
          'ALREADY_RENEWED',
          `This certificate has already been renewed (request ${command.renewalOf ?? ''} has a renewal): fetch that one.`,
          {
            renewalOf: Number(command.renewalOf),
          },
        );
      }
      throw error;
    }
    return requestView({
      id,
      organization_id: grant.organizationId,
      organization_code: grant.organizationCode,
      organization_country: grant.country,
      package_id: grant.packageId,
      kind,
      channel: command.channel,
      status: request.status,
      enrollment_type: request.enrollment_type,
      common_name: request.common_name,
      subject: request.subject,
      requested_by: command.requestedBy,
      submitted_at: now,
      updated_at: now,
      downloaded_at: null,
      downloaded_by: null,
      rejection_reason: request.rejection_reason,
      certificate_serial: null,
      renewal_of: command.renewalOf ?? null,
    });
  }
}

/**
 * Runs a submission assuming the key is not compromised, and once more knowing it is when
 * enroll_submit_request says otherwise (EN001; rare: a key revoked for keyCompromise).
 */
async function withCompromiseKnown<T>(attempt: (keyCompromised: boolean) => Promise<T>): Promise<T> {
  try {
    return await attempt(false);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'EN001') {
      throw error;
    }
    return attempt(true);
  }
}

/** docs/api.md: 403 for a kind the package does not allow; a real submission keeps the request, Rejected, for the managers. */
function checkKindAllowed(command: SubmitCommand, stored: RequestView | undefined): void {
  if (!command.grant.kinds.includes(command.kind)) {
    throw new DomainError(
      'KIND_NOT_ALLOWED',
      `This enrollment package does not allow ${command.kind} requests.`,
      stored ? { requestId: stored.id, requestStatus: stored.status } : undefined,
    );
  }
}

/** The policy's verdict on a submission, and what enroll_submit_request is to write for it. */
function decide(
  command: SubmitCommand,
  read: ReadCsr,
  now: Date,
  keyCompromised: boolean,
): { request: RequestRecord; events: TransitionRecord[]; cancel: TransitionRecord | null } {
  const { grant, kind } = command;
  const verdict = evaluateSubmission({
    kind,
    packageKinds: grant.kinds,
    keyCompromised,
    usageProblem: kind === 'external' ? usageProblem(read.csr) : undefined,
  });
  const status = transition('Requested', verdict.action, kind);
  const rejectionReason = verdict.action === 'refuse' ? verdict.reason : null;
  const enrollmentType = enrollmentTypeFor(kind, grant.store);
  const request = requestRecord(command, read, { status, enrollmentType, rejectionReason }, now);
  // The function sets each event's requestId; '{id}' in the cancellation's reason becomes the new id.
  const common = { organizationId: grant.organizationId, at: now };
  const by = { actor: command.requestedBy, actorType: 'package' as const };
  const events: TransitionRecord[] = [
    {
      ...common,
      ...by,
      status: 'Requested',
      action: 'request.submit',
      details: { packageId: grant.packageId, kind, channel: command.channel },
    },
    {
      ...common,
      status,
      actor: 'policy',
      actorType: 'system',
      action: verdict.action === 'accept' ? 'request.accept' : 'request.refuse',
      reason: rejectionReason,
    },
  ];
  const cancel: TransitionRecord | null =
    verdict.action === 'accept'
      ? { ...common, ...by, status: 'Cancelled', action: 'request.cancel', reason: 'Superseded by request {id}.' }
      : null;
  return { request, events, cancel };
}

/** Parses and checks the CSR, the one time it is parsed: what approval and the detail need is kept. */
export function readCsr(command: Pick<SubmitCommand, 'csr' | 'grant' | 'kind'>): ReadCsr {
  const csr = parseCsr(command.csr);
  const profileInput = profileInputFor(csr, { code: command.grant.organizationCode, country: command.grant.country });
  const subject = toRfc4514(buildSubject(PROFILES[command.kind], profileInput));
  return {
    csr,
    subject,
    facts: { subject: toRfc4514(csr.subject), signatureAlgorithm: csr.signatureAlgorithm, profileInput },
  };
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

/** The row enroll_submit_request stores: every column of requests but the id. */
export function requestRecord(
  command: SubmitCommand,
  read: ReadCsr,
  decided: {
    status: RequestRecord['status'];
    enrollmentType: RequestRecord['enrollment_type'];
    rejectionReason: string | null;
  },
  now: Date,
): RequestRecord {
  const { csr, facts, subject } = read;
  return {
    organization_id: command.grant.organizationId,
    package_id: command.grant.packageId,
    kind: command.kind,
    channel: command.channel,
    status: decided.status,
    enrollment_type: decided.enrollmentType,
    common_name: facts.profileInput.commonName,
    subject,
    csr_der: byteaJson(csr.der),
    // The canonical encoding: key compromise is about the key, however it was encoded.
    spki_sha256: byteaJson(spkiHash(csr.canonicalSpki)),
    spki_der: byteaJson(csr.spki),
    csr_facts: facts,
    public_key: csr.publicKey,
    requested_extensions: csr.requestedExtensions,
    device: command.device ?? {},
    phone: command.phone ?? null,
    description: command.description ?? null,
    requested_by: command.requestedBy,
    rejection_reason: decided.rejectionReason,
    certificate_serial: null,
    submitted_at: now.toISOString(),
    updated_at: now.toISOString(),
    downloaded_at: null,
    downloaded_by: null,
    renewal_of: command.renewalOf ?? null,
  };
}
