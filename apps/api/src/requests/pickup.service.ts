import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ISSUED_STATUSES, transition } from '@enroll/domain';
import { AppError, notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import type { PackagePrincipal } from '../common/principal';
import { one } from '../common/sql';
import { CaService } from '../pki/ca.service';
import { renderCertificate, type RenderedCertificate } from '../certificates/certificate-format';
import { RequestEvents } from './request-events';
import { RequestsRepository } from './requests.repository';
import type { RequestRow } from './request-row';

/** The client's side of issuance: fetch the certificate, confirm the install. Scoped to the package. */
@Injectable()
export class PickupService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly ca: CaService,
    private readonly events: RequestEvents,
    private readonly requests: RequestsRepository,
  ) {}

  /** The certificate of an issued request. An external request's first download moves it to Downloaded. */
  async certificate(pkg: PackagePrincipal, id: number, format: string | undefined, downloadedBy: string | undefined): Promise<RenderedCertificate & { requestId: number }> {
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const row = await this.requests.find(manager, { packageId: pkg.packageId }, id, { lock: true });
      if (!row) {
        throw notFound(`Request ${id}`);
      }
      if (!ISSUED_STATUSES.includes(row.status)) {
        throw new AppError('CERTIFICATE_NOT_READY', `Request ${id} has no certificate to fetch: it is ${row.status}.`, { currentStatus: row.status });
      }
      const certificate = await one<{ der: Buffer }>(manager, `SELECT der FROM certificates WHERE request_id = $1`, [row.id]);
      if (!certificate) {
        throw new AppError('INTERNAL_ERROR', `Request ${id} is ${row.status} but has no certificate.`);
      }
      const rendered = renderCertificate(format, certificate.der, [this.ca.ca.issuing.der, this.ca.ca.root.der]);
      if (row.kind === 'external' && row.status === 'Approved') {
        const by = downloadedBy ?? 'client';
        await manager.query(`UPDATE requests SET status = $2, downloaded_at = $3, downloaded_by = $4, updated_at = $3 WHERE id = $1`, [
          row.id, transition(row.status, 'download', row.kind), now, by,
        ]);
        await this.events.record(manager, { requestId: row.id, organizationId: row.organization_id, status: 'Downloaded', at: now, actor: by, actorType: 'package', action: 'request.download' });
      }
      return { ...rendered, requestId: Number(row.id) };
    });
  }

  /** The client confirms that it installed the certificate: Approved -> Installed (not for external). */
  async installed(pkg: PackagePrincipal, id: number, by: string | undefined): Promise<RequestRow> {
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const row = await this.requests.find(manager, { packageId: pkg.packageId }, id, { lock: true });
      if (!row) {
        throw notFound(`Request ${id}`);
      }
      const next = transition(row.status, 'install', row.kind);
      await manager.query(`UPDATE requests SET status = $2, updated_at = $3 WHERE id = $1`, [row.id, next, now]);
      await this.events.record(manager, { requestId: row.id, organizationId: row.organization_id, status: next, at: now, actor: by ?? row.requested_by, actorType: 'package', action: 'request.install' });
      return (await this.requests.find(manager, {}, Number(row.id))) as RequestRow;
    });
  }
}
