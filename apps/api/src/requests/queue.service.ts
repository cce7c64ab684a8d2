import { Injectable } from '@nestjs/common';
import { canDecide, type Actor } from '@enroll/domain';
import { ekuName, parseCsr, PROFILES, toRfc4514, type PublicKeyInfo, type RequestedExtensions } from '@enroll/pki';
import { CertificatesRepository } from '../authority';
import { notFound } from '../common/app-error';
import type { Page } from '../common/paging';
import { personScope } from './decisions.service';
import { requestView, type RequestRow } from './request-row';
import { RequestsRepository, type QueueFilter, type RequestExtras } from './requests.repository';
import type { QueueView, RequestDetail } from '@enroll/contract';

/** What managers and administrators read: the queue, counts, and a request in full. */
@Injectable()
export class QueueService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly certificates: CertificatesRepository,
  ) {}

  list(actor: Actor, filter: QueueFilter): Promise<Page<QueueView>> {
    return this.requests.list(personScope(actor), filter);
  }

  counts(actor: Actor, filter: QueueFilter = {}): Promise<Record<string, number>> {
    return this.requests.filteredCounts(personScope(actor), filter);
  }

  async detail(actor: Actor, id: number): Promise<RequestDetail> {
    const row = await this.requests.find(this.requests.db, personScope(actor), id);
    if (!row) {
      throw notFound(`Request ${id}`);
    }
    return this.detailOf(actor, row);
  }

  async detailOf(actor: Actor, row: RequestRow): Promise<RequestDetail> {
    const [extra, history, certificate, lineage] = await Promise.all([
      this.requests.details(row.id),
      this.requests.history(row.id),
      this.certificates.ofRequest(row.id),
      this.requests.lineage(row.id),
    ]);
    const csr = csrOf(extra);
    const requested = csr.requestedExtensions;
    const profile = PROFILES[row.kind];
    return {
      ...requestView(row),
      csr: {
        subject: csr.subject,
        publicKey: { ...csr.publicKey },
        signatureAlgorithm: csr.signatureAlgorithm,
        requestedExtensions: {
          ...(requested.keyUsage ? { keyUsage: requested.keyUsage } : {}),
          ...(requested.extendedKeyUsage ? { extendedKeyUsage: requested.extendedKeyUsage.map(ekuName) } : {}),
          ...(requested.basicConstraints ? { basicConstraints: requested.basicConstraints } : {}),
          ...(requested.subjectAltNames ? { subjectAltNames: requested.subjectAltNames } : {}),
          oids: requested.oids,
        },
      },
      device: extra?.device ?? {},
      phone: extra?.phone ?? null,
      description: extra?.description ?? null,
      ...(certificate
        ? {
            certificate: {
              serialNumber: certificate.serial,
              notBefore: certificate.not_before,
              notAfter: certificate.not_after,
              status: certificate.status,
            },
          }
        : {}),
      history,
      profile: {
        name: row.kind,
        keyUsage: [...profile.keyUsage(csr.publicKey)],
        extendedKeyUsage: [...profile.extendedKeyUsage],
      },
      canDecide: canDecide(actor, row.kind),
      lineage: lineage.map((l) => ({
        id: Number(l.id),
        status: l.status,
        channel: l.channel,
        submittedAt: l.submitted_at,
        certificateSerial: l.certificate_serial,
        renewalOf: l.renewal_of === null ? null : Number(l.renewal_of),
      })),
    };
  }
}

/** What the detail shows of the CSR. */
interface CsrView {
  readonly subject: string;
  readonly signatureAlgorithm: string;
  readonly publicKey: PublicKeyInfo;
  readonly requestedExtensions: RequestedExtensions;
}

/** The CSR as kept at submission; a request stored before it was kept is read from its CSR. */
function csrOf(extra: RequestExtras | undefined): CsrView {
  if (extra?.csr_facts) {
    const { subject, signatureAlgorithm } = extra.csr_facts;
    return {
      subject,
      signatureAlgorithm,
      publicKey: extra.public_key,
      requestedExtensions: extra.requested_extensions,
    };
  }
  const csr = parseCsr(extra?.csr_der ?? Buffer.alloc(0));
  return {
    subject: toRfc4514(csr.subject),
    signatureAlgorithm: csr.signatureAlgorithm,
    publicKey: csr.publicKey,
    requestedExtensions: csr.requestedExtensions,
  };
}
