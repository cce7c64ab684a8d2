import { Injectable } from '@nestjs/common';
import {
  generatePrivateKey,
  OcspResponder,
  parseOcspRequest,
  readCertificate,
  SoftwareSigner,
  type CertificateStatus,
  type OcspCertId,
} from '@enroll/pki';
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

  /**
   * Answers for the issuing CA's certificates with this process's delegated responder, and for
   * the certificates the root issued (the issuing CA itself) with the root's delegated responder
   * (made in a ceremony): a relying party that checks the whole chain asks both.
   */
  async respond(der: Buffer): Promise<Buffer> {
    const now = this.clock.now();
    const forRoot = this.forRoot(der);
    if (forRoot) {
      return this.rootResponder.respond(der, (ids) => this.lookup(ids, this.ca.ca.root.keyId), now);
    }
    const { responder } = await this.current(now);
    return responder.respond(der, (ids) => this.lookup(ids, this.ca.ca.issuing.keyId), now);
  }

  /** Whether every CertID of a request names the root (a malformed request goes to the issuing responder, which says so). */
  private forRoot(der: Buffer): boolean {
    try {
      const { certIds } = parseOcspRequest(der);
      return certIds.length > 0 && certIds.every((id) => this.rootResponder.isOurs(id));
    } catch {
      return false;
    }
  }

  private get rootResponder(): OcspResponder {
    const { root, certificate, signer } = this.ca.rootOcsp;
    this.root ??= new OcspResponder({ issuer: root, signer, responderCertificate: certificate, validitySeconds: 3600 });
    return this.root;
  }

  private root: OcspResponder | undefined;

  /** Statuses from the database now; a serial another CA issued is unknown here. */
  private async lookup(ids: readonly OcspCertId[], issuerKeyId: Buffer): Promise<CertificateStatus[]> {
    const bySerial = await this.authority.statuses(ids.map((id) => id.serialNumber));
    return ids.map((id): CertificateStatus => {
      const row = bySerial.get(id.serialNumber);
      if (!row || !row.issuer_key_id.equals(issuerKeyId)) {
        return { status: 'unknown' };
      }
      return row.status === 'revoked'
        ? { status: 'revoked', revokedAt: row.revoked_at ?? new Date(0), reason: row.reason ?? 'unspecified' }
        : { status: 'good' };
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
    const issued = await this.authority.issue(
      'ocsp-responder',
      { commonName: 'Enroll OCSP Responder' },
      subjectKeyOf(key),
      {},
      SYSTEM,
      now,
    );
    const responder = new OcspResponder({
      issuer: this.ca.ca.issuing,
      signer: new SoftwareSigner(key),
      responderCertificate: readCertificate(issued.der),
      validitySeconds: 300,
    });
    return { responder, notAfter: issued.notAfter };
  }
}
