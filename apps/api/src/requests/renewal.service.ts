import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, isDomainError, renewalRefusal, type Channel } from '@enroll/domain';
import { certificatesToPem, isPkiError } from '@enroll/pki';
import { AuthorityService, CaService, spkiHash } from '../authority';
import { AuditService } from '../audit/audit.service';
import { pool } from '../common/sql';
import { DecisionsService } from './decisions.service';
import { EnrollmentService, readCsr, type SubmitCommand } from './enrollment.service';
import { RequestsRepository, type RenewableRow } from './requests.repository';

/** A renewal, whatever the door (mTLS REST, EST simplereenroll, SCEP RenewalReq). */
export interface RenewCommand {
  /** The serial of the current certificate, already proved by the caller (current, this CA's, not revoked). */
  readonly serialNumber: string;
  readonly csr: string | Uint8Array;
  readonly channel: Extract<Channel, 'renewal' | 'est' | 'scep'>;
}

export type RenewalOutcome =
  | {
      readonly id: number;
      readonly status: 'Approved';
      readonly renewalOf: number;
      readonly certificate: string;
      readonly serialNumber: string;
    }
  | { readonly id: number; readonly status: 'Pending'; readonly renewalOf: number };

const RENEWAL_ACTOR = { name: 'renewal', type: 'system' } as const;

/**
 * Renewal: the device proves itself with its current certificate and sends a new CSR. The new
 * request keeps the organization, kind, subject, store and device of the one it renews, and
 * records it (renewal_of: the device's lineage). The package decides: issued at once
 * (`automatic`, the default) or Pending for a person. The old certificate stays valid until it
 * expires. A refusal stores nothing but an audit event.
 */
@Injectable()
export class RenewalService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authority: AuthorityService,
    private readonly ca: CaService,
    private readonly decisions: DecisionsService,
    private readonly enrollment: EnrollmentService,
    private readonly requests: RequestsRepository,
  ) {}

  async renew(command: RenewCommand): Promise<RenewalOutcome> {
    const current = await this.requests.renewable(command.serialNumber);
    try {
      return await this.decide(command, current);
    } catch (error) {
      if (isDomainError(error) || isPkiError(error)) {
        await this.audit.record(pool(this.db), {
          at: new Date(),
          actor: `device ${command.serialNumber}`,
          actorType: 'device',
          action: 'renewal.refuse',
          organizationId: current?.organization_id ?? null,
          target: command.serialNumber,
          details: {
            code: error.code,
            reason: error.message,
            channel: command.channel,
            ...(current ? { renewalOf: Number(current.id) } : {}),
          },
        });
      }
      throw error;
    }
  }

  private async decide(command: RenewCommand, current: RenewableRow | undefined): Promise<RenewalOutcome> {
    const grant = current && {
      packageId: current.package_id,
      organizationId: current.organization_id,
      organizationCode: current.organization_code,
      country: current.organization_country,
      store: current.package_store,
      kinds: current.package_kinds,
    };
    // The CSR is read only for a certificate that can be renewed at all: a manager's is refused first.
    const read = current && grant ? readCsr({ csr: command.csr, grant, kind: current.kind }) : undefined;
    // Keys compare in their canonical encoding: a re-encoded key is the same key.
    const newKey = read ? spkiHash(read.csr.canonicalSpki) : undefined;
    const refusal = renewalRefusal({
      ...(current ? { current: { kind: current.kind, status: current.status, commonName: current.common_name } } : {}),
      packageEnabled: current?.package_disabled_at === null,
      packageKinds: current?.package_kinds ?? [],
      sameKeyAllowed: current?.package_renewal_same_key ?? false,
      newCommonName: read?.facts.profileInput.commonName ?? '',
      sameKey: newKey !== undefined && current !== undefined && newKey.equals(current.spki_sha256),
      keyCompromised: newKey !== undefined && (await this.authority.keyCompromised(newKey)),
    });
    if (refusal || !current || !grant || !read) {
      const { code, reason } = refusal ?? {
        code: 'NOT_A_DEVICE_CERTIFICATE' as const,
        reason: 'This certificate cannot be renewed.',
      };
      throw new DomainError(code, reason, { serialNumber: command.serialNumber });
    }
    const submit: SubmitCommand = {
      grant,
      channel: command.channel,
      kind: current.kind,
      csr: command.csr,
      requestedBy: current.requested_by,
      phone: current.phone,
      description: current.description,
      device: current.device,
      renewalOf: current.id,
    };
    const submitted = await this.enrollment.submitRead(submit, read);
    const renewalOf = Number(current.id);
    if (submitted.status !== 'Pending' || current.package_renewal === 'approval') {
      return { id: submitted.id, status: 'Pending', renewalOf };
    }
    const approved = await this.decisions.approveAs(
      RENEWAL_ACTOR,
      { packageId: current.package_id },
      submitted.id,
      `Automatic renewal of ${command.serialNumber}.`,
    );
    const der = await this.authority.certificateOfRequest(String(submitted.id));
    return {
      id: submitted.id,
      status: 'Approved',
      renewalOf,
      serialNumber: approved.certificate.serialNumber,
      certificate: certificatesToPem([der, ...this.ca.chainDer]),
    };
  }
}
