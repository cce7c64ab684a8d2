import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Strategy } from 'passport-custom';
import { serialFromHex, serialToHex } from '@enroll/pki';
import { AuthorityService, CaService } from '../authority';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import type { AuthenticatedRequest, DevicePrincipal } from '../common/principal';

/**
 * Authenticates the certificate presented in the TLS handshake, at request time: issued by this
 * CA (signature checked here, not by a cached chain), within its validity, and not revoked
 * according to the database now, so a revocation bites on the next request, with no restart.
 * The TLS layer accepts any certificate so that each failure can be told apart.
 */
@Injectable()
export class DeviceStrategy extends PassportStrategy(Strategy, 'device') {
  constructor(
    private readonly authority: AuthorityService,
    private readonly ca: CaService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async validate(request: AuthenticatedRequest): Promise<DevicePrincipal> {
    const socket = request.socket as Partial<TLSSocket>;
    const presented =
      socket.encrypted === true && typeof socket.getPeerCertificate === 'function'
        ? socket.getPeerCertificate(false)
        : undefined;
    if (!presented?.raw) {
      throw new AppError(
        'CERTIFICATE_REQUIRED',
        'Present a client certificate of this CA over mutual TLS (the mTLS port).',
      );
    }
    const certificate = new X509Certificate(presented.raw);
    const { issuing } = this.ca.ca;
    if (!certificate.checkIssued(issuing.x509) || !certificate.verify(this.ca.ca.authority.publicKey)) {
      throw new AppError(
        'UNKNOWN_ISSUER',
        `The certificate was not issued by this CA (issuer: ${certificate.issuer.replace(/\n/g, ', ')}).`,
      );
    }
    const now = this.clock.now();
    if (now.getTime() < Date.parse(certificate.validFrom)) {
      throw new AppError(
        'CERTIFICATE_NOT_YET_VALID',
        `The certificate is not valid before ${new Date(certificate.validFrom).toISOString()}.`,
      );
    }
    if (now.getTime() > Date.parse(certificate.validTo)) {
      throw new AppError(
        'CERTIFICATE_EXPIRED',
        `The certificate expired on ${new Date(certificate.validTo).toISOString()}.`,
      );
    }
    // The CA library's canonical form, as stored: X509Certificate may keep a leading 00 byte.
    const serial = serialToHex(serialFromHex(certificate.serialNumber) ?? Buffer.alloc(1));
    const row = await this.authority.status(serial);
    if (!row) {
      throw new AppError('UNKNOWN_CERTIFICATE', `This CA has no record of certificate ${serial}.`);
    }
    if (row.status === 'revoked') {
      throw new AppError(
        'CERTIFICATE_REVOKED',
        `The certificate was revoked on ${row.revoked_at?.toISOString() ?? 'an unknown date'} (${row.reason ?? 'unspecified'}).`,
        {
          revokedAt: row.revoked_at,
          revocationReason: row.reason,
        },
      );
    }
    return {
      type: 'device',
      serialNumber: row.serial,
      requestId: row.request_id,
      profile: row.profile,
      subject: row.subject,
      notAfter: row.not_after,
    };
  }
}
