import { Injectable } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ApiRevocationReason } from '@enroll/domain';
import {
  describeKey,
  issueCertificate,
  PROFILES,
  toRfc4514,
  type IssuedCertificate,
  type ProfileInput,
  type ProfileName,
  type PublicKeyInfo,
} from '@enroll/pki';
import { AuditService, type ActorType } from '../audit/audit.service';
import type { Queryable } from '../common/sql';
import { CaService } from './ca.service';
import { certificateRecord, type CertificateOwner } from './certificate-record';
import {
  CertificatesRepository,
  type CertificateRecord,
  type CertificateRow,
  type CertificateStatusRow,
  type RevokedCertificate,
} from './certificates.repository';

/** The key a certificate certifies: its SubjectPublicKeyInfo as received, and what it is. */
export interface SubjectKey {
  readonly spki: Buffer;
  readonly publicKey: PublicKeyInfo;
}

/** Who acts, for the audit log. */
export interface AuthorityActor {
  readonly name: string;
  readonly type: ActorType;
}

export { spkiHash } from './certificate-record';
export type { CertificateOwner };

/** The SubjectKey of a key made here (service certificates, a manager's PKCS #12). */
export function subjectKeyOf(key: KeyObject): SubjectKey {
  const publicKey = createPublicKey(key);
  return { spki: publicKey.export({ format: 'der', type: 'spki' }), publicKey: describeKey(publicKey) };
}

/**
 * The authority (in the spirit of step-ca's authority): the only code that signs, stores and
 * revokes certificates, and that answers for their status. Every certificate it signs is stored
 * and audited: one issued for a request goes into the database with the approval that caused it
 * (sign() hands the caller the row, and enroll_approve_request writes both in one transaction);
 * every other one (the mTLS port's, the OCSP responder's, a manager's) is stored and audited here.
 */
@Injectable()
export class AuthorityService {
  constructor(
    private readonly db: DataSource,
    private readonly ca: CaService,
    private readonly certificates: CertificatesRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Signs a certificate from a profile with the issuing CA. The caller must store the returned
   * record in the transaction of the decision that asked for it; use issue() otherwise.
   */
  async sign(
    profile: ProfileName,
    input: ProfileInput,
    key: SubjectKey,
    owner: CertificateOwner,
    now: Date,
  ): Promise<{ issued: IssuedCertificate; record: CertificateRecord }> {
    const issued = await issueCertificate({
      profile: PROFILES[profile],
      input,
      subjectKey: key,
      authority: this.ca.ca.authority,
      urls: this.ca.urls,
      now,
    });
    const record = certificateRecord({
      serialNumber: issued.serialNumber,
      profile,
      issuerKeyId: this.ca.ca.issuing.keyId,
      subject: toRfc4514(issued.subject),
      commonName: input.commonName,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      der: issued.der,
      // What the certificate carries: the key's canonical encoding (see spkiHash callers).
      spki: issued.spki,
      owner,
      now,
    });
    return { issued, record };
  }

  /**
   * Signs, stores and audits a certificate that no request carries: the CA's own service
   * certificates and a manager's user certificate. `within` runs in the same transaction.
   */
  async issue(
    profile: ProfileName,
    input: ProfileInput,
    key: SubjectKey,
    owner: CertificateOwner,
    actor: AuthorityActor,
    now: Date,
    within?: (q: Queryable, issued: IssuedCertificate) => Promise<void>,
  ): Promise<IssuedCertificate> {
    const { issued, record } = await this.sign(profile, input, key, owner, now);
    await this.db.transaction(async (manager) => {
      await this.certificates.insert(manager, record);
      await this.audit.record(manager, {
        at: now,
        actor: actor.name,
        actorType: actor.type,
        action: 'certificate.issue',
        organizationId: owner.organizationId ?? null,
        target: issued.serialNumber,
        details: { profile, subject: record.subject, notAfter: record.not_after },
      });
      await within?.(manager, issued);
    });
    return issued;
  }

  /**
   * Revokes in the caller's transaction: the certificate of a request, or one serial. For
   * keyCompromise, every still-valid certificate of the same key is revoked with it: the key,
   * not one certificate, is what was compromised. Each revocation is audited; the caller moves
   * the requests of the returned certificates to Revoked.
   */
  async revoke(
    q: Queryable,
    which: { serial: string } | { requestId: string },
    reason: ApiRevocationReason,
    actor: AuthorityActor,
    now: Date,
  ): Promise<RevokedCertificate[]> {
    const revocation = { reason, actor: actor.name, at: now };
    const revoked = await this.certificates.revoke(q, which, revocation);
    if (reason === 'keyCompromise') {
      const key = await this.certificates.keyOf(q, which);
      if (key) {
        revoked.push(...(await this.certificates.revoke(q, { spkiSha256: key }, revocation)));
      }
    }
    for (const certificate of revoked) {
      await this.audit.record(q, {
        at: now,
        actor: actor.name,
        actorType: actor.type,
        action: 'certificate.revoke',
        organizationId: certificate.organization_id,
        target: certificate.serial,
        details: { reason, ...(certificate.request_id ? { requestId: Number(certificate.request_id) } : {}) },
      });
    }
    return revoked;
  }

  /** The status of each serial now (OCSP, the mTLS port): absent when this CA never issued it. */
  statuses(serials: readonly string[]): Promise<Map<string, CertificateStatusRow>> {
    return this.certificates.statuses(serials);
  }

  /** Whether the key (SHA-256 of its SPKI) was revoked for keyCompromise, on any certificate. */
  keyCompromised(spkiSha256: Buffer): Promise<boolean> {
    return this.certificates.keyCompromised(spkiSha256);
  }

  /** The DER of a request's certificate. */
  async certificateOfRequest(requestId: string): Promise<Buffer> {
    const der = await this.certificates.derOfRequest(this.db, requestId);
    if (!der) {
      throw new Error(`Request ${requestId} has no certificate.`);
    }
    return der;
  }

  /** The certificates issued to a person, newest first (in the caller's transaction when given). */
  certificatesOfUser(userId: string, q: Queryable = this.db): Promise<CertificateRow[]> {
    return this.certificates.ofUser(q, userId);
  }

  /** The person a user certificate belongs to; undefined for any other certificate. */
  userOf(serial: string): Promise<string | undefined> {
    return this.certificates.userOf(serial);
  }

  async status(serial: string): Promise<CertificateStatusRow | undefined> {
    return (await this.certificates.statuses([serial])).get(serial);
  }
}
