import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ISSUED_STATUSES, type RequestKind } from '@enroll/domain';
import { certificatesToPkcs7, certsOnly, csrAttributes, isPkiError, parseCsr } from '@enroll/pki';
import { AuditService } from '../audit/audit.service';
import { AuthorityService, CaService } from '../authority';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import type { DevicePrincipal, PackagePrincipal } from '../common/principal';
import { pool } from '../common/sql';
import { EnrollmentService } from '../requests/enrollment.service';
import { RenewalService } from '../requests/renewal.service';
import { FrontDoorRepository, type PolledRequest } from '../scep/front-door.repository';

/** What an EST enrollment comes to: the certificate (200), wait (202), or refused (403). */
export type EstOutcome =
  | { readonly status: 'issued'; readonly pkcs7: Buffer; readonly requestId: number }
  | { readonly status: 'pending'; readonly requestId: number }
  | { readonly status: 'refused'; readonly requestId: number; readonly reason: string };

/**
 * EST (RFC 7030) over the enrollment core. simpleenroll submits through the package (channel
 * `est`), and the identical CSR sent again is the poll (matched by package and CSR);
 * simplereenroll is a renewal of the certificate presented in the TLS handshake.
 */
@Injectable()
export class EstService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly authority: AuthorityService,
    private readonly ca: CaService,
    private readonly enrollment: EnrollmentService,
    private readonly renewals: RenewalService,
    private readonly requests: FrontDoorRepository,
  ) {}

  cacerts(): Buffer {
    return certsOnly(this.ca.chainDer);
  }

  csrattrs(kind: RequestKind): Buffer {
    return csrAttributes({ extensionRequest: kind === 'server' || kind === 'external' });
  }

  async simpleenroll(
    pkg: PackagePrincipal,
    kind: RequestKind,
    csrDer: Buffer,
    requestedBy: string,
  ): Promise<EstOutcome> {
    let csr: ReturnType<typeof parseCsr>;
    try {
      csr = parseCsr(csrDer);
    } catch (error) {
      // A CSR that breaks the key rules: nothing stored but the audit event.
      if (isPkiError(error)) {
        await this.audit.record(pool(this.db), {
          at: this.clock.now(),
          actor: requestedBy,
          actorType: 'package',
          action: 'est.refuse',
          organizationId: pkg.organizationId,
          target: pkg.packageId,
          details: { code: error.code, reason: error.message.slice(0, 500) },
        });
      }
      throw error;
    }
    const earlier = await this.requests.byCsr(csr, { packageId: pkg.packageId }, 'est');
    if (earlier) {
      return this.outcomeOf(earlier);
    }
    const grant = {
      packageId: pkg.packageId,
      organizationId: pkg.organizationId,
      organizationCode: pkg.organizationCode,
      country: pkg.country,
      store: pkg.store,
      kinds: pkg.kinds,
    };
    try {
      const view = await this.enrollment.submit({
        grant,
        channel: 'est',
        kind,
        csr: csrDer,
        requestedBy,
        description: 'EST enrollment',
      });
      return await this.outcomeOf(
        { id: String(view.id), status: view.status, packageId: pkg.packageId, organizationId: pkg.organizationId },
        view.rejectionReason ?? undefined,
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'KIND_NOT_ALLOWED') {
        return { status: 'refused', requestId: Number(error.details.requestId), reason: error.message };
      }
      throw error;
    }
  }

  async simplereenroll(device: DevicePrincipal, csrDer: Buffer): Promise<EstOutcome> {
    const csr = parseCsr(csrDer);
    if (device.requestId) {
      const earlier = await this.requests.byCsr(csr, { renewalOf: device.requestId }, 'est');
      if (earlier) {
        return this.outcomeOf(earlier);
      }
    }
    const outcome = await this.renewals.renew({ serialNumber: device.serialNumber, csr: csrDer, channel: 'est' });
    if (outcome.status === 'Approved') {
      return {
        status: 'issued',
        requestId: outcome.id,
        pkcs7: certificatesToPkcs7([await this.authority.certificateOfRequest(String(outcome.id))]),
      };
    }
    return { status: 'pending', requestId: outcome.id };
  }

  /** An EST credential that did not authenticate: stored nowhere but the audit log. */
  async refusedCredential(reason: string): Promise<void> {
    await this.audit.record(pool(this.db), {
      at: this.clock.now(),
      actor: 'est',
      actorType: 'system',
      action: 'est.refuse',
      details: { reason: reason.slice(0, 500) },
    });
  }

  private async outcomeOf(request: PolledRequest, reason?: string): Promise<EstOutcome> {
    const requestId = Number(request.id);
    if (request.status === 'Requested' || request.status === 'Pending') {
      return { status: 'pending', requestId };
    }
    if (ISSUED_STATUSES.includes(request.status)) {
      return {
        status: 'issued',
        requestId,
        pkcs7: certificatesToPkcs7([await this.authority.certificateOfRequest(request.id)]),
      };
    }
    return { status: 'refused', requestId, reason: reason ?? `Request ${requestId} is ${request.status}.` };
  }
}

/**
 * EST refusals in RFC 7030's statuses: a CSR the CA library refuses is a 400, a refusal by the
 * domain (the kind, the renewal rules) a 403; anything else goes to the filter as it is.
 */
export function estRefusal(error: unknown): unknown {
  if (isPkiError(error)) {
    return new AppError('VALIDATION_FAILED', `${error.code}: ${error.message}`, { reason: error.code });
  }
  if (error instanceof DomainError) {
    return new AppError('FORBIDDEN', `${error.code}: ${error.message}`, { reason: error.code });
  }
  return error;
}
