import {
  buildCrl,
  createRootCa,
  generatePrivateKey,
  issueCertificate,
  issueIssuingCaCertificate,
  PROFILES,
  readCertificate,
  rootPkiUrls,
  serialFromHex,
  SoftwareSigner,
  toPem,
  type KeyAlgorithm,
  type RootCa,
} from '@enroll/pki';
import type { AuditService } from '../audit/audit.service';
import { one, type Queryable } from '../common/sql';
import type { CaKeyStore, SoftwareKeys } from './ca-key-store';
import { recordOfCertificate } from './certificate-record';
import type { CertificatesRepository } from './certificates.repository';

/** The root's CRL lives long: a ceremony re-signs it well before (the API warns 30 days ahead). */
export const ROOT_CRL_DAYS = 365;
/** The root's delegated OCSP responder (its key online) is renewed in the same ceremony. */
export const ROOT_OCSP_DAYS = 400;
const DAY_MS = 86_400_000;

export interface StoredCa {
  readonly name: 'root' | 'issuing' | 'root-ocsp';
  readonly certificate_pem: string;
  readonly encrypted_key_pem: string | null;
}

/**
 * The ceremonies: the only code that uses the root key. Each runs in the caller's transaction
 * (under the CA advisory lock), stores every certificate the root signs in the certificates table
 * and audits itself. The API runs bootstrap once (and `takeOffline` once for an installation that
 * still had its root key in the database); everything later is `npm run ca -- <ceremony>`.
 */
export class Ceremonies {
  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly audit: AuditService,
    private readonly keys: CaKeyStore,
    private readonly softwareKeys: SoftwareKeys,
    private readonly publicUrl: string,
  ) {}

  /** A new hierarchy: root, issuing CA with the root's CDP and AIA, the root's OCSP responder and CRL. */
  async bootstrap(q: Queryable, algorithm: KeyAlgorithm, now: Date): Promise<RootCa> {
    const [root, issuingKey] = await Promise.all([
      createRootCa({ now, keyAlgorithm: algorithm }),
      this.keys.createIssuingKey(algorithm),
    ]);
    await this.certificates.insert(
      q,
      recordOfCertificate(root.certificate.der, 'root-ca', root.certificate.keyId, now),
    );
    await this.put(q, {
      name: 'root',
      certificate_pem: toPem('CERTIFICATE', root.certificate.der),
      encrypted_key_pem: null,
    });
    await this.issueIssuing(q, root, issuingKey.signer.spki, issuingKey.stored, now);
    await this.renewRootOcsp(q, root, now);
    await this.signRootCrl(q, root, now);
    await this.record(q, now, 'ca.bootstrap', { algorithm, keyStore: this.keys.description });
    return root;
  }

  /** A new certificate for the issuing CA's key: issued leaves stay valid; it gains the root's CDP and AIA. */
  async reissueIssuing(q: Queryable, root: RootCa, now: Date): Promise<string> {
    const issuing = await this.stored(q, 'issuing');
    return this.issueIssuing(
      q,
      root,
      readCertificate(issuing.certificate_pem).spki,
      issuing.encrypted_key_pem ?? '',
      now,
    );
  }

  private async issueIssuing(q: Queryable, root: RootCa, spki: Buffer, storedKey: string, now: Date): Promise<string> {
    const der = await issueIssuingCaCertificate(root, { spki, now, urls: rootPkiUrls(this.publicUrl) });
    await this.certificates.insert(q, recordOfCertificate(der, 'issuing-ca', root.certificate.keyId, now));
    await this.put(q, { name: 'issuing', certificate_pem: toPem('CERTIFICATE', der), encrypted_key_pem: storedKey });
    const serialNumber = readCertificate(der).serialNumber;
    await this.record(q, now, 'ca.issuing.issue', { serialNumber });
    return serialNumber;
  }

  /** A delegated OCSP responder of the root (id-kp-OCSPSigning, ocsp-nocheck): it answers for the issuing CA. */
  async renewRootOcsp(q: Queryable, root: RootCa, now: Date): Promise<string> {
    const key = await generatePrivateKey('EC-P256');
    const signer = new SoftwareSigner(key);
    const issued = await issueCertificate({
      profile: { ...PROFILES['ocsp-responder'], validityDays: ROOT_OCSP_DAYS },
      input: { commonName: 'Enroll Root OCSP Responder' },
      subjectKey: { spki: signer.spki, publicKey: signer.publicKey },
      authority: root.authority,
      urls: rootPkiUrls(this.publicUrl),
      now,
    });
    await this.certificates.insert(q, recordOfCertificate(issued.der, 'root-ocsp', root.certificate.keyId, now));
    const encrypted = await this.softwareKeys.encrypt(key);
    await this.put(q, {
      name: 'root-ocsp',
      certificate_pem: toPem('CERTIFICATE', issued.der),
      encrypted_key_pem: encrypted,
    });
    await this.record(q, now, 'ca.root-ocsp.issue', {
      serialNumber: issued.serialNumber,
      notAfter: issued.notAfter.toISOString(),
    });
    return issued.serialNumber;
  }

  /** The root's CRL: the certificates the root issued and revoked, valid ROOT_CRL_DAYS. */
  async signRootCrl(q: Queryable, root: RootCa, now: Date): Promise<bigint> {
    const latest = await one<{ crl_number: string }>(
      q,
      `SELECT crl_number FROM root_crls ORDER BY crl_number DESC LIMIT 1`,
    );
    const crlNumber = BigInt(latest?.crl_number ?? '0') + 1n;
    const entries = await this.certificates.crlEntries(q, now, root.certificate.keyId);
    const nextUpdate = new Date(now.getTime() + ROOT_CRL_DAYS * DAY_MS);
    const der = await buildCrl({
      authority: root.authority,
      crlNumber,
      thisUpdate: now,
      nextUpdate,
      entries: entries.map((e) => ({
        serial: serialFromHex(e.serial) ?? Buffer.alloc(1),
        revokedAt: e.revoked_at,
        reason: e.reason,
      })),
    });
    await q.query(`INSERT INTO root_crls (crl_number, this_update, next_update, der) VALUES ($1, $2, $3, $4)`, [
      crlNumber.toString(),
      now,
      nextUpdate,
      der,
    ]);
    await this.record(q, now, 'ca.root-crl.sign', {
      crlNumber: crlNumber.toString(),
      nextUpdate: nextUpdate.toISOString(),
      entries: entries.length,
    });
    return crlNumber;
  }

  async stored(q: Queryable, name: StoredCa['name']): Promise<StoredCa> {
    const row = await one<StoredCa>(
      q,
      `SELECT name, certificate_pem, encrypted_key_pem FROM certificate_authorities WHERE name = $1`,
      [name],
    );
    if (!row) {
      throw new Error(`The certificate_authorities table has no ${name} row.`);
    }
    return row;
  }

  private async put(q: Queryable, row: StoredCa): Promise<void> {
    await q.query(
      `INSERT INTO certificate_authorities (name, certificate_pem, encrypted_key_pem) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET certificate_pem = excluded.certificate_pem, encrypted_key_pem = excluded.encrypted_key_pem`,
      [row.name, row.certificate_pem, row.encrypted_key_pem],
    );
  }

  private record(q: Queryable, now: Date, action: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record(q, { at: now, actor: 'ceremony', actorType: 'system', action, details });
  }
}
