import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { organizationScope, type Actor } from '@enroll/domain';
import { serialFromHex, serialToHex } from '@enroll/pki';
import { notFound } from '../common/app-error';
import { Clock } from '../common/clock';
import { decodeCursor, DEFAULT_LIMIT, toPage, type Page } from '../common/paging';
import { one, organizationIs, rows, SqlFilter } from '../common/sql';
import { CaService } from '../pki/ca.service';
import { renderCertificate, type RenderedCertificate } from './certificate-format';
import type { CertificateListQuery } from './dto/certificate-queries.dto';
import type { CertificateView } from '@enroll/contract';

interface CertificateRow {
  serial: string;
  request_id: string | null;
  organization_code: string | null;
  profile: string;
  subject: string;
  common_name: string;
  not_before: Date;
  not_after: Date;
  status: 'valid' | 'revoked';
  created_at: Date;
  revoked_at: Date | null;
  reason: string | null;
}

const COLUMNS = `c.serial, c.request_id, o.code AS organization_code, c.profile, c.subject, c.common_name, c.not_before, c.not_after, c.status,
  c.created_at, v.revoked_at, v.reason`;
const certificateOrganizationIs = organizationIs('c.organization_id');
const FROM = `certificates c LEFT JOIN organizations o ON o.id = c.organization_id LEFT JOIN revocations v ON v.serial = c.serial`;

@Injectable()
export class CertificatesService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly ca: CaService,
  ) {}

  async list(actor: Actor, query: CertificateListQuery): Promise<Page<CertificateView>> {
    const now = this.clock.now();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const where = new SqlFilter(limit + 1);
    const scope = organizationScope(actor);
    if (scope !== undefined) {
      where.add(certificateOrganizationIs, scope);
    }
    if (query.organizationCode) {
      where.add(certificateOrganizationIs, query.organizationCode);
    }
    switch (query.status) {
      case 'valid':
        where.add((p) => `c.status = 'valid' AND c.not_after > ${p}`, now);
        break;
      case 'expired':
        where.add((p) => `c.status = 'valid' AND c.not_after <= ${p}`, now);
        break;
      case 'revoked':
        where.addCondition(`c.status = 'revoked'`);
        break;
      case undefined:
        break;
    }
    if (query.expiringBefore) {
      where.add((p) => `c.not_after < ${p}`, new Date(query.expiringBefore));
    }
    const after = decodeCursor(query.cursor, 2);
    if (after) {
      where.addCondition(`(c.created_at, c.serial) < (${where.bind(after[0])}::timestamptz, ${where.bind(after[1])})`);
    }
    const found = await rows<CertificateRow>(this.db, `SELECT ${COLUMNS} FROM ${FROM} ${where.where} ORDER BY c.created_at DESC, c.serial DESC LIMIT $1`, where.params);
    return toPage(found, limit, (r) => this.view(r, now), (r) => [r.created_at.toISOString(), r.serial]);
  }

  async get(actor: Actor, serial: string): Promise<CertificateView> {
    return this.view(await this.find(actor, serial), this.clock.now());
  }

  async download(actor: Actor, serial: string, format: string | undefined): Promise<RenderedCertificate> {
    const found = await this.find(actor, serial);
    const der = await one<{ der: Buffer }>(this.db, `SELECT der FROM certificates WHERE serial = $1`, [found.serial]);
    return renderCertificate(format, der?.der ?? Buffer.alloc(0), [this.ca.ca.issuing.der, this.ca.ca.root.der]);
  }

  private async find(actor: Actor, serial: string): Promise<CertificateRow> {
    // The canonical form: the value's bytes without leading zero bytes, so 0x0A... keeps its 0.
    const bytes = serialFromHex(serial);
    if (!bytes) {
      throw notFound(`Certificate ${serial.slice(0, 40)}`);
    }
    const normalized = serialToHex(bytes);
    const scope = organizationScope(actor);
    const where = new SqlFilter(normalized).addCondition('c.serial = $1');
    if (scope !== undefined) {
      where.add(certificateOrganizationIs, scope);
    }
    const found = await one<CertificateRow>(this.db, `SELECT ${COLUMNS} FROM ${FROM} ${where.where}`, where.params);
    if (!found) {
      throw notFound(`Certificate ${normalized}`);
    }
    return found;
  }

  private view(r: CertificateRow, now: Date): CertificateView {
    const status = r.status === 'revoked' ? 'revoked' : r.not_after.getTime() <= now.getTime() ? 'expired' : 'valid';
    return {
      serialNumber: r.serial, requestId: r.request_id === null ? null : Number(r.request_id), organizationCode: r.organization_code, profile: r.profile,
      subject: r.subject, commonName: r.common_name, notBefore: r.not_before, notAfter: r.not_after, status, revokedAt: r.revoked_at, revocationReason: r.reason,
    };
  }
}
