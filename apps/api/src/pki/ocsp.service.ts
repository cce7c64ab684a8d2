import { Injectable } from '@nestjs/common';
import { generatePrivateKey, OcspResponder, readCertificate, SoftwareSigner, type CertificateStatus, type OcspCertId } from '@enroll/pki';
import { AuthorityService, CaService, subjectKeyOf } from '../authority';
import { Clock } from '../common/clock';

/** The CA's own service certificates are issued by the system. */
const SYSTEM = { name: 'system', type: 'system' } as const;

/** Re-issue the delegated responder certificate when it has less than this left. */
const RENEW_BEFORE_MS = 24 * 3_600_000;

/**
 * The OCSP responder (RFC 6960). Each API process signs with its own delegated responder: an
 * EC P-256 key made at start (never stored) and a short certificate with id-kp-OCSPSigning and
 * ocsp-nocheck from the issuing CA. ECDSA keeps signing cheap; statuses come from the database
 * at request time, so a revocation shows on the next query.
 */
@Injectable()
export class OcspService {
  private responder: Promise<{ responder: OcspResponder; notAfter: Date }> | undefined;

  constructor(
    private readonly authority: AuthorityService,
    private readonly ca: CaService,
    private readonly clock: Clock,
  ) {}

  async respond(der: Buffer): Promise<Buffer> {
    const now = this.clock.now();
    const { responder } = await this.current(now);
    return responder.respond(der, (ids) => this.lookup(ids), now);
  }

  private async lookup(ids: readonly OcspCertId[]): Promise<CertificateStatus[]> {
    const bySerial = await this.authority.statuses(ids.map((id) => id.serialNumber));
    return ids.map((id): CertificateStatus => {
      const row = bySerial.get(id.serialNumber);
      if (!row) {
        return { status: 'unknown' };
      }
      return row.status === 'revoked' ? { status: 'revoked', revokedAt: row.revoked_at ?? new Date(0), reason: row.reason ?? 'unspecified' } : { status: 'good' };
    });
  }

  private async current(now: Date): Promise<{ responder: OcspResponder; notAfter: Date }> {
    let current = this.responder;
    if (current && (await current).notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS) {
      current = undefined;
    }
    if (!current) {
      current = this.create(now);
      this.responder = current;
      current.catch(() => {
        this.responder = undefined;
      });
    }
    return current;
  }

  private async create(now: Date): Promise<{ responder: OcspResponder; notAfter: Date }> {
    const key = await generatePrivateKey('EC-P256');
    // Stored and audited like every certificate the CA signs (and so `good` by OCSP itself).
    const issued = await this.authority.issue('ocsp-responder', { commonName: 'Enroll OCSP Responder' }, subjectKeyOf(key), {}, SYSTEM, now);
    const responder = new OcspResponder({ issuer: this.ca.ca.issuing, signer: new SoftwareSigner(key), responderCertificate: readCertificate(issued.der), validitySeconds: 300 });
    return { responder, notAfter: issued.notAfter };
  }
}
