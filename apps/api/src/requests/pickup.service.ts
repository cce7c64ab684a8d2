import { Injectable } from '@nestjs/common';
import { DomainError, ISSUED_STATUSES } from '@enroll/domain';
import { CaService, CertificatesRepository } from '../authority';
import { AppError, notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import type { PackagePrincipal } from '../common/principal';
import { renderCertificate, type RenderedCertificate } from '../certificates/certificate-format';
import { RequestTransitions } from './request-transitions';
import { RequestsRepository } from './requests.repository';
import type { RequestRow } from './request-row';

/** The client's side of issuance: fetch the certificate, confirm the install. Scoped to the package. */
@Injectable()
export class PickupService {
  constructor(
    private readonly clock: Clock,
    private readonly ca: CaService,
    private readonly certificates: CertificatesRepository,
    private readonly requests: RequestsRepository,
    private readonly transitions: RequestTransitions,
  ) {}

  /** The certificate of an issued request. An external request's first download moves it to Downloaded. */
  async certificate(
    pkg: PackagePrincipal,
    id: number,
    format: string | undefined,
    downloadedBy: string | undefined,
  ): Promise<RenderedCertificate & { requestId: number }> {
    const scope = { packageLineage: pkg.packageId };
    const row = await this.requests.find(this.requests.db, scope, id);
    if (!row) {
      throw notFound(`Request ${id}`);
    }
    if (!ISSUED_STATUSES.includes(row.status)) {
      throw new AppError('CERTIFICATE_NOT_READY', `Request ${id} has no certificate to fetch: it is ${row.status}.`, {
        currentStatus: row.status,
      });
    }
    const der = await this.certificates.derOfRequest(this.requests.db, row.id);
    if (!der) {
      throw new AppError('INTERNAL_ERROR', `Request ${id} is ${row.status} but has no certificate.`);
    }
    const rendered = renderCertificate(format, der, this.ca.chainDer);
    if (row.kind === 'external' && row.status === 'Approved') {
      const by = downloadedBy ?? 'client';
      const now = this.clock.now();
      await this.transitions
        .move(scope, row, {
          action: 'download',
          actor: { name: by, type: 'package' },
          now,
          patch: { downloaded_at: now, downloaded_by: by },
        })
        .catch((error: unknown) => {
          // A concurrent first download came first: the certificate is the same, so it is still the answer.
          if (!(error instanceof DomainError && error.details.currentStatus === 'Downloaded')) {
            throw error;
          }
        });
    }
    return { ...rendered, requestId: Number(row.id) };
  }

  /** The client confirms that it installed the certificate: Approved -> Installed (not for external). */
  async installed(pkg: PackagePrincipal, id: number, by: string | undefined): Promise<RequestRow> {
    const scope = { packageLineage: pkg.packageId };
    const row = await this.requests.find(this.requests.db, scope, id);
    if (!row) {
      throw notFound(`Request ${id}`);
    }
    return this.transitions.move(scope, row, {
      action: 'install',
      actor: { name: by ?? row.requested_by, type: 'package' },
      now: this.clock.now(),
    });
  }
}
