import type { Actor, CertificateStore, RequestKind } from '@enroll/domain';
import type { Request } from 'express';

/** An enrollment package as the client endpoints see it. */
export interface PackagePrincipal {
  readonly type: 'package';
  readonly packageId: string;
  readonly organizationId: string;
  readonly organizationCode: string;
  readonly organizationName: string;
  readonly country: string;
  readonly environment: string;
  readonly store: CertificateStore;
  readonly kinds: readonly RequestKind[];
}

/** A signed-in person. */
export interface UserPrincipal {
  readonly type: 'user';
  readonly actor: Actor;
  readonly csrfToken: string;
  /** Whether the session came from the cookie (then unsafe methods need the CSRF header). */
  readonly viaCookie: boolean;
}

/** A device, proved by a current, unrevoked certificate of this CA presented over mutual TLS. */
export interface DevicePrincipal {
  readonly type: 'device';
  readonly serialNumber: string;
  readonly requestId: string | null;
  /** The profile it was issued under: only device profiles may use the device endpoints. */
  readonly profile: string;
  readonly subject: string;
  readonly notAfter: Date;
}

export type Principal = PackagePrincipal | UserPrincipal | DevicePrincipal;

export type AuthenticatedRequest = Request & { user?: Principal };
