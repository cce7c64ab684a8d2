import { Injectable } from '@nestjs/common';
import { createPublicKey } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  describeKey, generatePrivateKey, OcspResponder, readCertificate, SoftwareSigner, type CertificateStatus, type OcspCertId, type RevocationReason,
} from '@enroll/pki';
import { Batcher } from '../common/batcher';
import { pool, rows } from '../common/sql';
import { Clock } from '../common/clock';
import { CaService } from './ca.service';

interface LookupRow {
  serial: string;
  status: 'valid' | 'revoked';
  revoked_at: Date | null;
  reason: RevocationReason | null;
}

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
    private readonly db: DataSource,
    private readonly ca: CaService,
    private readonly clock: Clock,
  ) {}

  async respond(der: Buffer): Promise<Buffer> {
    const now = this.clock.now();
    const { responder } = await this.current(now);
    return responder.respond(der, (ids) => this.lookup(ids), now);
  }

  /** Concurrent OCSP requests share database round trips (see Batcher: nothing is cached). */
  private readonly statuses = new Batcher<string, LookupRow>(async (serials) => {
    // The hottest read of the API goes straight to the pg pool. Read-only, no transaction needed.
    const found = await rows<LookupRow>(
      pool(this.db),
      `SELECT c.serial, c.status, v.revoked_at, v.reason FROM certificates c LEFT JOIN revocations v ON v.serial = c.serial WHERE c.serial = ANY($1)`,
      [serials],
    );
    return new Map(found.map((r) => [r.serial, r]));
  });

  private async lookup(ids: readonly OcspCertId[]): Promise<CertificateStatus[]> {
    const bySerial = await this.statuses.load(ids.map((id) => id.serialNumber));
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
    const publicKey = createPublicKey(key);
    const issued = await this.ca.issue(
      'ocsp-responder',
      { commonName: 'Enroll OCSP Responder' },
      { spki: publicKey.export({ format: 'der', type: 'spki' }), publicKey: describeKey(publicKey) },
      now,
    );
    const responder = new OcspResponder({ issuer: this.ca.ca.issuing, signer: new SoftwareSigner(key), responderCertificate: readCertificate(issued.der), validitySeconds: 300 });
    return { responder, notAfter: issued.notAfter };
  }
}
