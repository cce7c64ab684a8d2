import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CertificateStore, RequestKind, RequestStatus } from '@enroll/domain';
import { spkiHash } from '../authority';
import { pool, rows } from '../common/sql';
import { hashToken } from '../common/tokens';
import type { PackageGrant } from '../requests/enrollment.service';

export interface GrantRow extends PackageGrant {
  readonly disabled: boolean;
}

/** A request a protocol message points to again (a poll). */
export interface PolledRequest {
  readonly id: string;
  readonly status: RequestStatus;
  readonly packageId: string;
  readonly organizationId: string;
}

interface PackageSql {
  id: string;
  organization_id: string;
  code: string;
  country: string;
  store: CertificateStore;
  kinds: RequestKind[];
  disabled_at: Date | null;
}

const toGrant = (r: PackageSql): GrantRow => ({
  packageId: r.id,
  organizationId: r.organization_id,
  organizationCode: r.code,
  country: r.country,
  store: r.store,
  kinds: r.kinds,
  disabled: r.disabled_at !== null,
});

interface PolledSql {
  id: string;
  status: RequestStatus;
  package_id: string;
  organization_id: string;
}
const toPolled = (r: PolledSql | undefined): PolledRequest | undefined =>
  r && { id: r.id, status: r.status, packageId: r.package_id, organizationId: r.organization_id };

/**
 * What EST and SCEP read of packages and requests: the package of a SCEP challenge, and the
 * request an identical message created before (the protocols' polls). Requests are matched by
 * their key first (ix_requests_spki), then by the exact CSR.
 */
@Injectable()
export class FrontDoorRepository {
  constructor(private readonly db: DataSource) {}

  async packageByChallenge(challenge: string): Promise<GrantRow | undefined> {
    const [row] = await rows<PackageSql>(
      pool(this.db),
      `SELECT p.id, p.organization_id, o.code, o.country, p.store, p.kinds, p.disabled_at
         FROM enrollment_packages p JOIN organizations o ON o.id = p.organization_id
        WHERE p.scep_challenge_hash = $1`,
      [hashToken(challenge)],
    );
    return row && toGrant(row);
  }

  /** EST: the latest request of this package (or renewal of this request) with exactly this CSR. */
  async byCsr(
    csr: { der: Buffer; spki: Buffer },
    scope: { packageId: string } | { renewalOf: string },
    channel: 'est' | 'scep',
  ): Promise<PolledRequest | undefined> {
    const [column, value] = 'packageId' in scope ? ['package_id', scope.packageId] : ['renewal_of', scope.renewalOf];
    const [row] = await rows<PolledSql>(
      pool(this.db),
      `SELECT id, status, package_id, organization_id FROM requests
        WHERE spki_sha256 = $1 AND csr_der = $2 AND channel = $3 AND ${column} = $4
        ORDER BY id DESC LIMIT 1`,
      [spkiHash(csr.spki), csr.der, channel, value],
    );
    return toPolled(row);
  }

  /**
   * SCEP: the request of a transaction, by transactionID and the very CSR (a re-enrollment with
   * the same key reuses the ID, and micromdm's client even reuses the CSR): a PKCSReq's request
   * renews nothing, a RenewalReq's renews the certificate that signed it.
   */
  async transactionByCsr(
    transactionId: string,
    csr: { der: Buffer; spki: Buffer },
    renewing?: { serial: string },
  ): Promise<PolledRequest | undefined> {
    const [row] = await rows<PolledSql>(
      pool(this.db),
      `SELECT r.id, r.status, r.package_id, r.organization_id
         FROM scep_transactions t JOIN requests r ON r.id = t.request_id
         LEFT JOIN requests o ON o.id = r.renewal_of
        WHERE t.transaction_id = $1 AND r.spki_sha256 = $2 AND r.csr_der = $3
          AND ${renewing ? 'o.certificate_serial = $4' : 'r.renewal_of IS NULL'}
        ORDER BY r.id DESC LIMIT 1`,
      [transactionId, spkiHash(csr.spki), csr.der, ...(renewing ? [renewing.serial] : [])],
    );
    return toPolled(row);
  }

  /** SCEP GetCertInitial: the transaction's request whose key is the signer's, or which renews the signer's certificate. */
  async transactionBySigner(
    transactionId: string,
    signer: { spki: Buffer; serial: string },
  ): Promise<PolledRequest | undefined> {
    const [row] = await rows<PolledSql>(
      pool(this.db),
      `SELECT r.id, r.status, r.package_id, r.organization_id
         FROM scep_transactions t JOIN requests r ON r.id = t.request_id
         LEFT JOIN requests o ON o.id = r.renewal_of
        WHERE t.transaction_id = $1 AND (r.spki_sha256 = $2 OR o.certificate_serial = $3)
        ORDER BY r.id DESC LIMIT 1`,
      [transactionId, spkiHash(signer.spki), signer.serial],
    );
    return toPolled(row);
  }

  async recordTransaction(requestId: string | number, transactionId: string): Promise<void> {
    await pool(this.db).query(
      `INSERT INTO scep_transactions (request_id, transaction_id) VALUES ($1, $2) ON CONFLICT (request_id) DO NOTHING`,
      [requestId, transactionId],
    );
  }
}
