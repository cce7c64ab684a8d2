import { DomainError } from './errors';
import type { RequestKind } from './kinds';

/** The request lifecycle (docs/design.md, "Request lifecycle"). */
export const REQUEST_STATUSES = [
  'Requested',
  'Pending',
  'Approved',
  'Rejected',
  'Cancelled',
  'Installed',
  'Downloaded',
  'Revoked',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * What can happen to a request:
 * accept/refuse are the policy checks at submission; approve/reject are a person's decision;
 * cancel is what a newer request for the same subject does to an open one; install and
 * download are the client's pickup; revoke ends an issued certificate.
 */
export type RequestAction = 'accept' | 'refuse' | 'approve' | 'reject' | 'cancel' | 'install' | 'download' | 'revoke';

/** Requested and Pending are open: at most one per organization, kind and common name. */
export const OPEN_STATUSES: readonly RequestStatus[] = ['Requested', 'Pending'];
/** States in which a certificate exists and is current. */
export const ISSUED_STATUSES: readonly RequestStatus[] = ['Approved', 'Installed', 'Downloaded'];

const FROM: Readonly<Record<RequestAction, readonly RequestStatus[]>> = {
  accept: ['Requested'],
  refuse: ['Requested'],
  approve: ['Pending'],
  reject: ['Requested', 'Pending'],
  cancel: OPEN_STATUSES,
  install: ['Approved'],
  download: ['Approved'],
  revoke: ISSUED_STATUSES,
};

const TO: Readonly<Record<RequestAction, RequestStatus>> = {
  accept: 'Pending',
  refuse: 'Rejected',
  approve: 'Approved',
  reject: 'Rejected',
  cancel: 'Cancelled',
  install: 'Installed',
  download: 'Downloaded',
  revoke: 'Revoked',
};

/** The states from which an action may be taken for a request of this kind. */
export function allowedFrom(action: RequestAction, kind: RequestKind): readonly RequestStatus[] {
  // An external certificate is a file for another server: it is downloaded, never installed here.
  if ((action === 'install' && kind === 'external') || (action === 'download' && kind !== 'external')) {
    return [];
  }
  return FROM[action];
}

/**
 * The state an action leads to, or an INVALID_TRANSITION error that names the current state.
 * Callers apply the result with a conditional update on `allowedFrom`, so a race cannot slip by.
 */
export function transition(current: RequestStatus, action: RequestAction, kind: RequestKind): RequestStatus {
  if (!allowedFrom(action, kind).includes(current)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      `A ${kind} request in state ${current} cannot be ${pastTense(action)}.`,
      {
        currentStatus: current,
        action,
      },
    );
  }
  return TO[action];
}

export const isTerminal = (status: RequestStatus): boolean =>
  status === 'Rejected' || status === 'Cancelled' || status === 'Revoked';

function pastTense(action: RequestAction): string {
  switch (action) {
    case 'accept':
      return 'accepted';
    case 'refuse':
      return 'refused';
    case 'approve':
      return 'approved';
    case 'reject':
      return 'rejected';
    case 'cancel':
      return 'cancelled';
    case 'install':
      return 'marked installed';
    case 'download':
      return 'downloaded';
    case 'revoke':
      return 'revoked';
  }
}
