/** What a request is for (docs/design.md, "Request kinds and certificate profiles"). */
export const REQUEST_KINDS = ['workstation', 'server', 'mobile', 'external'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Where the client installs: for every user of the device, or for the requesting account only. */
export const CERTIFICATE_STORES = ['machine', 'user'] as const;
export type CertificateStore = (typeof CERTIFICATE_STORES)[number];

export type EnrollmentType = 'Machine' | 'User' | 'External';

export const isRequestKind = (value: unknown): value is RequestKind => REQUEST_KINDS.includes(value as RequestKind);

/** External requests are downloaded as files; the others install into the package's store. */
export function enrollmentTypeFor(kind: RequestKind, store: CertificateStore): EnrollmentType {
  if (kind === 'external') {
    return 'External';
  }
  return store === 'machine' ? 'Machine' : 'User';
}

/** The organizational unit a kind's certificates carry. */
export function organizationalUnitFor(kind: RequestKind): 'Workstation' | 'Server' | 'Mobile' {
  switch (kind) {
    case 'workstation':
      return 'Workstation';
    case 'server':
    case 'external':
      return 'Server';
    case 'mobile':
      return 'Mobile';
  }
}

/**
 * The front door a request came through: the enroll client over REST, EST (RFC 7030), SCEP
 * (RFC 8894), or a renewal over mutual TLS. Every door enters the same lifecycle.
 */
export const CHANNELS = ['client', 'est', 'scep', 'renewal'] as const;
export type Channel = (typeof CHANNELS)[number];
