import type { CertificateView, Me, QueueView, RequestDetail, UserView, Wire } from '@enroll/contract';

export const managerOf = (organizationCode: string): Me => ({
  id: '11',
  username: `mgr-${organizationCode.toLowerCase()}`,
  role: 'manager',
  organizationCode,
});
export const administrator: Me = { id: '1', username: 'admin', role: 'admin', organizationCode: null };

let next = 100;
export function queueItem(overrides: Partial<Wire<QueueView>> = {}): Wire<QueueView> {
  const id = overrides.id ?? next++;
  return {
    id,
    status: 'Pending',
    kind: 'workstation',
    channel: 'client',
    commonName: `CN-${id}`,
    subject: `CN=CN-${id},O=J1CFRA,C=FR`,
    organizationCode: 'J1CFRA',
    submittedAt: '2026-11-20T10:00:00.000Z',
    requestedBy: 'LAPOSTE\\jdupont',
    enrollmentType: 'Machine',
    downloadedAt: null,
    downloadedBy: null,
    rejectionReason: null,
    certificateSerial: null,
    renewalOf: null,
    description: 'Front desk PC',
    machineName: `PC-${id}`,
    fqdn: null,
    ...overrides,
  };
}

export function requestDetail(overrides: Partial<Wire<RequestDetail>> = {}): Wire<RequestDetail> {
  const item: Partial<Wire<QueueView>> = queueItem(overrides);
  delete item.description;
  delete item.machineName;
  delete item.fqdn;
  const base = item as Wire<QueueView>;
  return {
    ...base,
    csr: {
      subject: base.subject,
      publicKey: { algorithm: 'RSA', size: 2048 },
      signatureAlgorithm: 'sha256WithRSAEncryption',
      requestedExtensions: {
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        extendedKeyUsage: ['clientAuth'],
        oids: ['2.5.29.15', '2.5.29.37'],
      },
    },
    device: { machineName: 'PC-FRONT-01', macAddress: '00:11:22:33:44:55', osVersion: 'Windows 11', osType: '64' },
    phone: '+33 1 00 00 00 00',
    description: 'Front desk PC',
    history: [
      {
        status: 'Pending',
        at: '2026-11-20T10:00:00.000Z',
        actor: 'LAPOSTE\\jdupont',
        actorType: 'package',
        reason: null,
      },
    ],
    profile: { name: base.kind, keyUsage: ['digitalSignature', 'keyEncipherment'], extendedKeyUsage: ['clientAuth'] },
    canDecide: true,
    lineage: [
      {
        id: base.id,
        status: base.status,
        channel: base.channel,
        submittedAt: base.submittedAt,
        certificateSerial: base.certificateSerial,
        renewalOf: base.renewalOf,
      },
    ],
    ...overrides,
  };
}

let nextUser = 500;
/** An account as `GET /api/v1/users` lists it: an enabled manager of J1CFRA unless told. */
export function userRow(overrides: Partial<Wire<UserView>> = {}): Wire<UserView> {
  const id = String(nextUser++);
  return {
    id,
    username: `mgr-${id}`,
    role: 'manager',
    organizationCode: 'J1CFRA',
    email: null,
    createdAt: '2026-11-01T09:00:00.000Z',
    disabledAt: null,
    signInBlockedUntil: null,
    ...overrides,
  };
}

let nextSerial = 0x1000;
/** A manager's user certificate as the API lists it: valid unless told. */
export function userCertificate(overrides: Partial<Wire<CertificateView>> = {}): Wire<CertificateView> {
  const serialNumber = (nextSerial++).toString(16).toUpperCase().padStart(8, '0');
  return {
    serialNumber,
    requestId: null,
    organizationCode: 'J1CFRA',
    profile: 'manager',
    subject: 'CN=mgr,O=J1CFRA,C=FR',
    commonName: 'mgr',
    notBefore: '2026-11-01T09:00:00.000Z',
    notAfter: '2027-11-01T09:00:00.000Z',
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    supersededBy: null,
    ...overrides,
  };
}
