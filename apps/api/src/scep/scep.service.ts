import { Injectable } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isDomainError, ISSUED_STATUSES, type RequestKind } from '@enroll/domain';
import {
  buildCertRep,
  certsOnly,
  challengePasswordOf,
  isCmsError,
  isPkiError,
  parseCsr,
  parseScepRequest,
  peekScepRequest,
  serialFromHex,
  serialToHex,
  type FailInfo,
  type ScepRequest,
  type ScepStatus,
} from '@enroll/pki';
import { AuditService } from '../audit/audit.service';
import { AuthorityService, CaService } from '../authority';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { pool } from '../common/sql';
import { EnrollmentService } from '../requests/enrollment.service';
import { RenewalService } from '../requests/renewal.service';
import { FrontDoorRepository, type PolledRequest } from './front-door.repository';
import { ScepRa } from './scep-ra';

/** What a pkiMessage comes to: the CertRep's status, and the certificate on SUCCESS. */
interface Outcome {
  readonly status: ScepStatus;
  readonly failInfo?: FailInfo;
  readonly certificates?: readonly Buffer[];
}

/** A refusal: the CertRep says FAILURE with this failInfo, and the audit log says why. */
class Refusal extends Error {
  constructor(
    readonly failInfo: FailInfo,
    message: string,
    readonly organizationId: string | null = null,
  ) {
    super(message);
  }
}

/**
 * SCEP (RFC 8894) over the enrollment core: a PKCSReq with the package's challenge becomes a
 * request in the same queue as the enroll client's (channel `scep`), PENDING until a manager
 * decides; the client's polls (GetCertInitial, or the same PKCSReq sent again) then get the
 * certificate or FAILURE. A RenewalReq signed by a current certificate goes through the renewal
 * rules. A message that cannot be read or checked gets a FAILURE CertRep (or, when not even its
 * transaction can be read, HTTP 400), never a 5xx, and stores nothing but an audit event.
 */
@Injectable()
export class ScepService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly authority: AuthorityService,
    private readonly ca: CaService,
    private readonly ra: ScepRa,
    private readonly enrollment: EnrollmentService,
    private readonly renewals: RenewalService,
    private readonly requests: FrontDoorRepository,
  ) {}

  /** GetCACert: the RA certificate (to encrypt to, and that signs the answers) and the issuing CA. */
  async caCertificates(): Promise<Buffer> {
    const ra = await this.ra.get();
    return certsOnly([ra.certificate, ...this.ca.chainDer]);
  }

  /** PKIOperation: the CertRep to answer, or undefined when the message is unreadable (HTTP 400). */
  async pkiOperation(kind: RequestKind, message: Buffer): Promise<Buffer | undefined> {
    const ra = await this.ra.get();
    let request: ScepRequest;
    try {
      request = parseScepRequest(message, ra.recipient);
    } catch (error) {
      // Whatever the parser met (a CmsError, or a structure it did not expect), it is the message's fault.
      const failInfo = isCmsError(error) ? error.failInfo : 'badMessageCheck';
      await this.refused(new Refusal(failInfo, (error as Error).message), undefined);
      const peeked = peekScepRequest(message);
      return peeked && buildCertRep({ request: peeked, status: 'FAILURE', failInfo, signer: ra.signer });
    }
    let outcome: Outcome;
    try {
      outcome = await this.decide(kind, request);
    } catch (error) {
      const refusal =
        error instanceof Refusal
          ? error
          : isPkiError(error) || isDomainError(error) || error instanceof AppError
            ? new Refusal('badRequest', `${error.code}: ${error.message}`)
            : isCmsError(error)
              ? new Refusal(error.failInfo, error.message)
              : undefined;
      if (!refusal) {
        throw error;
      }
      await this.refused(refusal, request);
      outcome = { status: 'FAILURE', failInfo: refusal.failInfo };
    }
    return buildCertRep({ request, ...outcome, signer: ra.signer });
  }

  private async decide(kind: RequestKind, request: ScepRequest): Promise<Outcome> {
    switch (request.messageType) {
      case 'PKCSReq':
        // A PKCSReq signed with a certificate of this CA is a re-enrollment (RFC 8894 2.4 allows
        // it; certmonger renews so): the renewal rules apply, not the challenge.
        return this.issuedHere(new X509Certificate(request.signerCertificate))
          ? this.renew(request, request.csr ?? Buffer.alloc(0))
          : this.enroll(kind, request, request.csr ?? Buffer.alloc(0));
      case 'RenewalReq':
        return this.renew(request, request.csr ?? Buffer.alloc(0));
      case 'CertPoll': {
        const signer = new X509Certificate(request.signerCertificate);
        const found = await this.requests.transactionBySigner(request.transactionId, {
          spki: signer.publicKey.export({ format: 'der', type: 'spki' }),
          serial: canonicalSerial(signer),
        });
        if (!found) {
          throw new Refusal('badCertId', `No SCEP transaction ${request.transactionId} for this requester.`);
        }
        return this.outcomeOf(found);
      }
      default:
        throw new Refusal(
          'badRequest',
          `${request.messageType} is not supported (GetCert and GetCRL: use the CRL and OCSP under /pki).`,
        );
    }
  }

  private async enroll(kind: RequestKind, request: ScepRequest, csrDer: Buffer): Promise<Outcome> {
    const challenge = challengePasswordOf(csrDer);
    const grant = challenge ? await this.requests.packageByChallenge(challenge) : undefined;
    if (!grant) {
      throw new Refusal(
        'badRequest',
        challenge ? 'The challenge password is not valid.' : 'The CSR has no challenge password.',
      );
    }
    if (grant.disabled) {
      throw new Refusal('badRequest', 'This enrollment package has been disabled.', grant.organizationId);
    }
    const csr = parseCsr(csrDer);
    const earlier = await this.requests.transactionByCsr(request.transactionId, csr);
    if (earlier && earlier.packageId === grant.packageId) {
      return this.outcomeOf(earlier);
    }
    const view = await this.enrollment.submit({
      grant,
      channel: 'scep',
      kind,
      csr: csrDer,
      requestedBy: 'SCEP',
      description: `SCEP enrollment (transaction ${request.transactionId})`,
    });
    await this.requests.recordTransaction(view.id, request.transactionId);
    return this.outcomeOf({
      id: String(view.id),
      status: view.status,
      packageId: grant.packageId,
      organizationId: grant.organizationId,
    });
  }

  /** RenewalReq (or a PKCSReq re-enrollment): signed by the current certificate, which must be this CA's, current and not revoked. */
  private async renew(request: ScepRequest, csrDer: Buffer): Promise<Outcome> {
    const current = new X509Certificate(request.signerCertificate);
    const now = this.clock.now().getTime();
    if (!this.issuedHere(current)) {
      throw new Refusal('badCertId', 'A RenewalReq must be signed with a certificate of this CA.');
    }
    if (now < Date.parse(current.validFrom) || now > Date.parse(current.validTo)) {
      throw new Refusal('badTime', 'The certificate that signed the RenewalReq is not valid now.');
    }
    const serial = canonicalSerial(current);
    const status = await this.authority.status(serial);
    if (status?.status !== 'valid') {
      throw new Refusal('badCertId', `Certificate ${serial} is ${status ? 'revoked' : 'unknown to this CA'}.`);
    }
    const csr = parseCsr(csrDer);
    const earlier = await this.requests.transactionByCsr(request.transactionId, csr, { serial });
    if (earlier) {
      return this.outcomeOf(earlier);
    }
    const outcome = await this.renewals.renew({ serialNumber: serial, csr: csrDer, channel: 'scep' });
    await this.requests.recordTransaction(outcome.id, request.transactionId);
    if (outcome.status === 'Approved') {
      return { status: 'SUCCESS', certificates: [await this.authority.certificateOfRequest(String(outcome.id))] };
    }
    return { status: 'PENDING' };
  }

  private issuedHere(certificate: X509Certificate): boolean {
    return certificate.checkIssued(this.ca.ca.issuing.x509) && certificate.verify(this.ca.ca.authority.publicKey);
  }

  private async outcomeOf(request: PolledRequest): Promise<Outcome> {
    if (request.status === 'Requested' || request.status === 'Pending') {
      return { status: 'PENDING' };
    }
    if (ISSUED_STATUSES.includes(request.status)) {
      return { status: 'SUCCESS', certificates: [await this.authority.certificateOfRequest(request.id)] };
    }
    return { status: 'FAILURE', failInfo: 'badRequest' };
  }

  private async refused(refusal: Refusal, request: ScepRequest | undefined): Promise<void> {
    await this.audit.record(pool(this.db), {
      at: this.clock.now(),
      actor: 'scep',
      actorType: 'system',
      action: 'scep.refuse',
      organizationId: refusal.organizationId,
      target: request?.transactionId.slice(0, 200) ?? null,
      details: {
        failInfo: refusal.failInfo,
        reason: refusal.message.slice(0, 500),
        ...(request ? { messageType: request.messageType } : {}),
      },
    });
  }
}

/** The CA library's canonical serial form, as stored (X509Certificate may keep a leading 00 byte). */
export const canonicalSerial = (certificate: X509Certificate): string =>
  serialToHex(serialFromHex(certificate.serialNumber) ?? Buffer.alloc(1));
