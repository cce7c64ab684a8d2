import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { organizationScope, type Actor, type ApiRevocationReason } from '@enroll/domain';
import type { CertificateView } from '@enroll/contract';
import { serialFromHex, serialToHex } from '@enroll/pki';
import { AuthorityService, CertificatesRepository, CrlService, type CertificateRow } from '../authority';
import { AppError, notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { DecisionsService, personActor, personScope } from '../requests/decisions.service';
import { certificateView } from '../certificates/certificate-view';

/**
 * Revocation by serial (POST /api/v1/certificates/{serial}/revoke). A certificate that belongs
 * to a request is revoked through its request, which moves to Revoked with it (the same rules as
 * the request route: a manager, its organization's workstation and mobile certificates). One
 * that belongs to no request (a person's user certificate, the API's own) is for administrators.
 */
@Injectable()
export class CertificateRevocationsService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly certificates: CertificatesRepository,
    private readonly authority: AuthorityService,
    private readonly crl: CrlService,
    private readonly decisions: DecisionsService,
  ) {}

  async revoke(actor: Actor, serialNumber: string, reason: ApiRevocationReason): Promise<CertificateView> {
    const found = await this.find(actor, serialNumber);
    if (found.request_id !== null) {
      await this.decisions.revoke(personActor(actor), personScope(actor), Number(found.request_id), reason);
    } else {
      if (actor.role !== 'admin') {
        throw new AppError(
          'FORBIDDEN',
          'Only a centre administrator may revoke a certificate that belongs to no request (a user certificate).',
        );
      }
      if (found.status === 'revoked') {
        throw new AppError('CERTIFICATE_ALREADY_REVOKED', `Certificate ${found.serial} is already revoked.`, {
          revokedAt: found.revoked_at,
          revocationReason: found.reason,
        });
      }
      const now = this.clock.now();
      const revoked = await this.db.transaction((q) =>
        this.authority.revoke(q, { serial: found.serial }, reason, { name: actor.username, type: 'user' }, now),
      );
      if (revoked.length === 0) {
        throw new AppError('CERTIFICATE_ALREADY_REVOKED', `Certificate ${found.serial} is already revoked.`);
      }
      this.crl.refreshQuietly();
    }
    return certificateView(await this.find(actor, found.serial), this.clock.now());
  }

  /** In the reader's scope: another organization's certificate is a 404, as if it did not exist. */
  private async find(actor: Actor, serialNumber: string): Promise<CertificateRow> {
    const bytes = serialFromHex(serialNumber);
    const serial = bytes ? serialToHex(bytes) : undefined;
    const organizationCode = organizationScope(actor);
    const found =
      serial === undefined
        ? undefined
        : await this.certificates.find(serial, organizationCode === undefined ? {} : { organizationCode });
    if (!found) {
      throw notFound(`Certificate ${serialNumber.slice(0, 40)}`);
    }
    return found;
  }
}
