import type { ExpiringCounts } from './certificates';
import type { Channel, EnrollmentType, RequestKind, RequestStatus } from '@enroll/domain';

/** A request as lists show it: the queue, the client's list and the answer to a submission. */
export interface RequestView {
  id: number;
  status: RequestStatus;
  kind: RequestKind;
  /** The front door it came through: `client` (the enroll client), `est`, `scep` or `renewal`. */
  channel: Channel;
  commonName: string;
  subject: string;
  organizationCode: string;
  submittedAt: Date;
  requestedBy: string;
  enrollmentType: EnrollmentType;
  downloadedAt: Date | null;
  downloadedBy: string | null;
  rejectionReason: string | null;
  certificateSerial: string | null;
  /** A renewal: the request whose certificate this one renews. */
  renewalOf: number | null;
}

/** `GET /api/v1/requests`: a queue row, with what approvers recognise a request by. */
export interface QueueView extends RequestView {
  /** What the requester wrote (a purpose, a UNC path...). */
  description: string | null;
  /** From the device details: the workstation's name, and the server's or device's FQDN. */
  machineName: string | null;
  fqdn: string | null;
}

/** The device a request was made on (external requests: the other server). */
export interface DeviceDetails {
  machineName?: string;
  fqdn?: string;
  macAddress?: string;
  nicId?: string;
  processorId?: string;
  osVersion?: string;
  osType?: string;
}

/** The public key of a CSR: RSA with its size, EC with its curve. */
export interface PublicKeyView {
  algorithm: string;
  size?: number;
  curve?: string;
}

/** What the CSR asks for; the profile decides what the certificate gets. */
export interface RequestedExtensions {
  keyUsage?: readonly string[];
  extendedKeyUsage?: readonly string[];
  basicConstraints?: { ca: boolean; pathLength?: number };
  subjectAltNames?: readonly { type: string; value?: string; tag?: number }[];
  oids: readonly string[];
}

export interface HistoryEntry {
  status: string;
  at: Date;
  actor: string;
  actorType: string;
  reason: string | null;
}

/** `GET /api/v1/requests/{id}`: the request in full, for the person deciding it. */
export interface RequestDetail extends RequestView {
  csr: {
    subject: string;
    publicKey: PublicKeyView;
    signatureAlgorithm: string;
    requestedExtensions: RequestedExtensions;
  };
  device: DeviceDetails;
  phone: string | null;
  description: string | null;
  certificate?: { serialNumber: string; notBefore: Date; notAfter: Date; status: string };
  history: HistoryEntry[];
  /** The profile's extensions for this kind, to set the CSR's requests against. */
  profile: { name: string; keyUsage: string[]; extendedKeyUsage: string[] };
  /** Whether the signed-in person may approve, reject or revoke this kind. */
  canDecide: boolean;
  /** The device's chain of renewals, oldest first, this request included. */
  lineage: LineageEntry[];
}

/** One request of a device's lineage: the first request, then each renewal of it. */
export interface LineageEntry {
  id: number;
  status: RequestStatus;
  channel: Channel;
  submittedAt: Date;
  certificateSerial: string | null;
  renewalOf: number | null;
}

/**
 * `GET /api/v1/requests/counts`: requests per status in the reader's scope, under the queue's
 * filters when given (kind, organization, decider, search); a filtered count stops at 10,000.
 */
export type RequestCounts = Partial<Record<RequestStatus, number>>;

/** `GET /api/v1/dashboard`: the overview in the reader's scope (days and months in UTC). */
export interface DashboardView {
  generatedAt: Date;
  /** Pending requests per organization and kind, largest first. */
  pendingByOrganization: { organizationCode: string; kind: RequestKind; count: number }[];
  /** The five pending requests that have waited longest. */
  oldestPending: {
    id: number;
    commonName: string;
    requestedBy: string;
    organizationCode: string;
    kind: RequestKind;
    submittedAt: Date;
  }[];
  /** Requests submitted per day over the last 30 days (days without any are absent). */
  requestsPerDay: { day: string; count: number }[];
  /** Valid certificates expiring per month over the next 12 months (YYYY-MM). */
  expiringPerMonth: { month: string; count: number }[];
  /** At a glance: valid certificates not yet renewed that end within 1, 7 and 30 days. */
  expiringSoon: ExpiringCounts;
}
