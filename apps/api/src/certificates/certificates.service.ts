import { Injectable } from '@nestjs/common';
import { organizationScope, type Actor } from '@enroll/domain';
import { serialFromHex, serialToHex } from '@enroll/pki';
import { notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { DEFAULT_LIMIT, toPage, type Page } from '../common/paging';
import { CaService, CertificatesRepository, type CertificateRow } from '../authority';
import { certificateView } from './certificate-view';
import { renderCertificate, type RenderedCertificate } from './certificate-format';
import type { CertificateListQuery } from './dto/certificate-queries.dto';
import { X509Certificate } from 'node:crypto';
import type { CertificateDetail, CertificateView, DecodedCertificate, ExpiringSummary } from '@enroll/contract';
import { EXPIRY_WINDOWS, summarizeExpiring } from './expiring';

function decode(der: Buffer): DecodedCertificate {
  const x = new X509Certificate(der);
  const key = x.publicKey.asymmetricKeyDetails;
  // Typed as always present, but undefined for a certificate without the extension.
  return {
    issuer: x.issuer.split('\n').reverse().join(', '),
    subjectAltName: x.subjectAltName ?? null,
    extendedKeyUsage: Array.isArray(x.keyUsage) ? x.keyUsage : [],
    publicKey: {
      algorithm: x.publicKey.asymmetricKeyType ?? 'unknown',
      ...(key?.modulusLength ? { size: key.modulusLength } : {}),
      ...(key?.namedCurve ? { curve: key.namedCurve } : {}),
    },
    fingerprintSha256: x.fingerprint256,
  };
}

@Injectable()
export class CertificatesService {
  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly clock: Clock,
    private readonly ca: CaService,
  ) {}

  async list(actor: Actor, query: CertificateListQuery): Promise<Page<CertificateView>> {
    const now = this.clock.now();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const organizationCode = organizationScope(actor);
    const found = await this.certificates.list({
      ...(organizationCode === undefined ? {} : { organizationCode }),
      ...(query.organizationCode ? { organization: query.organizationCode } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.expiringBefore ? { expiringBefore: new Date(query.expiringBefore) } : {}),
      ...(query.renewed === undefined ? {} : { renewed: query.renewed === 'true' }),
      ...(query.kind ? { profile: query.kind } : {}),
      ...(query.q?.trim() ? { q: query.q.trim() } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit,
      now,
    });
    return toPage(
      found,
      limit,
      (r) => certificateView(r, now),
      (r) => [r.created_at.toISOString(), r.serial],
    );
  }

  /** What still needs a renewal within 1, 7 and 30 days, per organization in the reader's scope. */
  async expiring(actor: Actor): Promise<ExpiringSummary> {
    const now = this.clock.now();
    const found = await this.certificates.expiringSummary(organizationScope(actor), now, EXPIRY_WINDOWS);
    return { generatedAt: now, ...summarizeExpiring(found) };
  }

  /** One certificate, with what its DER says (read by node's X509Certificate, not by our own parser). */
  async get(actor: Actor, serial: string): Promise<CertificateDetail> {
    const found = await this.find(actor, serial);
    const der = await this.certificates.derOf(found.serial);
    return { ...certificateView(found, this.clock.now()), ...(der ? { decoded: decode(der) } : {}) };
  }

  async download(actor: Actor, serial: string, format: string | undefined): Promise<RenderedCertificate> {
    const found = await this.find(actor, serial);
    const der = await this.certificates.derOf(found.serial);
    return renderCertificate(format, der ?? Buffer.alloc(0), this.ca.chainDer);
  }

  private async find(actor: Actor, serial: string): Promise<CertificateRow> {
    // The canonical form: the value's bytes without leading zero bytes, so 0x0A... keeps its 0.
    const bytes = serialFromHex(serial);
    if (!bytes) {
      throw notFound(`Certificate ${serial.slice(0, 40)}`);
    }
    const normalized = serialToHex(bytes);
    const organizationCode = organizationScope(actor);
    const found = await this.certificates.find(normalized, organizationCode === undefined ? {} : { organizationCode });
    if (!found) {
      throw notFound(`Certificate ${normalized}`);
    }
    return found;
  }
}
