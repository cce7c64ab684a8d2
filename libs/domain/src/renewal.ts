import type { RequestKind } from './kinds';
import { ISSUED_STATUSES, type RequestStatus } from './lifecycle';

/** What a package says of renewals: issued at once (the default), or Pending until a person approves. */
export const RENEWAL_MODES = ['automatic', 'approval'] as const;
export type RenewalMode = (typeof RENEWAL_MODES)[number];

/** Why a renewal is refused: each its own stable code, so a client can tell them apart. */
export type RenewalRefusalCode =
  | 'NOT_A_DEVICE_CERTIFICATE'
  | 'RENEWAL_NOT_ALLOWED'
  | 'PACKAGE_DISABLED'
  | 'KIND_NOT_ALLOWED'
  | 'RENEWAL_SUBJECT_CHANGED'
  | 'RENEWAL_SAME_KEY'
  | 'KEY_COMPROMISED';

/** The facts a renewal is decided on: the certificate's request, its package, and the new CSR. */
export interface RenewalFacts {
  /** The renewed certificate's request; undefined for a certificate no request carries (a manager's, a service's). */
  readonly current?: { readonly kind: RequestKind; readonly status: RequestStatus; readonly commonName: string };
  readonly packageEnabled: boolean;
  readonly packageKinds: readonly RequestKind[];
  readonly sameKeyAllowed: boolean;
  readonly newCommonName: string;
  readonly sameKey: boolean;
  readonly keyCompromised: boolean;
}

export interface RenewalRefusal {
  readonly code: RenewalRefusalCode;
  readonly reason: string;
}

/** DNS names compare case-insensitively (RFC 4343); device identifiers exactly. */
const sameName = (kind: RequestKind, a: string, b: string): boolean =>
  kind === 'server' || kind === 'external' ? a.toLowerCase() === b.toLowerCase() : a === b;

/**
 * The renewal rules: the certificate (already checked current, of this CA and not revoked) must
 * be a device's, issued and not superseded by a revocation; its package still enabled and still
 * allowing the kind; the subject unchanged; a new key unless the package allows keeping it; and
 * the new key not known compromised. Undefined when the renewal may go on.
 */
export function renewalRefusal(facts: RenewalFacts): RenewalRefusal | undefined {
  const { current } = facts;
  if (!current) {
    return {
      code: 'NOT_A_DEVICE_CERTIFICATE',
      reason:
        "This certificate belongs to no enrollment request (a manager's or a service's certificate): it is not renewed here.",
    };
  }
  if (current.kind === 'external') {
    return {
      code: 'RENEWAL_NOT_ALLOWED',
      reason: "An external server's certificate is renewed by submitting a new CSR, not over mutual TLS.",
    };
  }
  if (!ISSUED_STATUSES.includes(current.status)) {
    return {
      code: 'RENEWAL_NOT_ALLOWED',
      reason: `The certificate's request is ${current.status}: only an issued certificate is renewed.`,
    };
  }
  if (!facts.packageEnabled) {
    return {
      code: 'PACKAGE_DISABLED',
      reason: 'The enrollment package that issued this certificate has been disabled: ask the centre for a new one.',
    };
  }
  if (!facts.packageKinds.includes(current.kind)) {
    return { code: 'KIND_NOT_ALLOWED', reason: `The enrollment package no longer allows ${current.kind} requests.` };
  }
  if (!sameName(current.kind, current.commonName, facts.newCommonName)) {
    return {
      code: 'RENEWAL_SUBJECT_CHANGED',
      reason: `A renewal keeps the subject: the request names CN=${facts.newCommonName}, the certificate CN=${current.commonName}. Submit a new request for another subject.`,
    };
  }
  if (facts.keyCompromised) {
    return {
      code: 'KEY_COMPROMISED',
      reason: 'The key of this request was revoked for key compromise: make a new key.',
    };
  }
  if (facts.sameKey && !facts.sameKeyAllowed) {
    return {
      code: 'RENEWAL_SAME_KEY',
      reason: 'A renewal needs a new key: this enrollment package does not allow keeping the current one.',
    };
  }
  return undefined;
}
