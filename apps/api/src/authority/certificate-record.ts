import { createHash } from 'node:crypto';
import { readCertificate, toRfc4514 } from '@enroll/pki';
import { byteaJson } from '../common/sql';
import type { CertificateRecord } from './certificates.repository';

export const spkiHash = (spki: Buffer): Buffer => createHash('sha256').update(spki).digest();

/** Who a certificate is for: an enrollment request, a person, or the CA's own services (neither). */
export interface CertificateOwner {
  readonly requestId?: string;
  readonly userId?: string;
  readonly organizationId?: string | null;
}

/** The facts of a signed certificate that its row keeps. */
export interface SignedFacts {
  readonly serialNumber: string;
  /** A profile name, or `root-ca`, `issuing-ca`, `root-ocsp` for what the root signs. */
  readonly profile: string;
  readonly issuerKeyId: Buffer;
  readonly subject: string;
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly der: Buffer;
  readonly spki: Buffer;
  readonly owner: CertificateOwner;
  readonly now: Date;
}

/** The certificates row of a signed certificate: every column (see CertificateRecord). */
export function certificateRecord(facts: SignedFacts): CertificateRecord {
  return {
    serial: facts.serialNumber,
    request_id: facts.owner.requestId ?? null,
    user_id: facts.owner.userId ?? null,
    organization_id: facts.owner.organizationId ?? null,
    profile: facts.profile,
    issuer_key_id: byteaJson(facts.issuerKeyId),
    subject: facts.subject,
    common_name: facts.commonName,
    not_before: facts.notBefore.toISOString(),
    not_after: facts.notAfter.toISOString(),
    der: byteaJson(facts.der),
    spki_sha256: byteaJson(spkiHash(facts.spki)),
    status: 'valid',
    created_at: facts.now.toISOString(),
  };
}

/** The row of a certificate read back from its DER (the CA certificates the root signs). */
export function recordOfCertificate(der: Buffer, profile: string, issuerKeyId: Buffer, now: Date): CertificateRecord {
  const parts = readCertificate(der);
  const commonName = parts.subject.find((a) => a.oid === '2.5.4.3')?.value ?? '';
  return certificateRecord({
    serialNumber: parts.serialNumber,
    profile,
    issuerKeyId,
    subject: toRfc4514(parts.subject),
    commonName,
    notBefore: new Date(parts.x509.validFrom),
    notAfter: new Date(parts.x509.validTo),
    der,
    spki: parts.spki,
    owner: {},
    now,
  });
}
