import type { RequestKind } from './kinds';

/** What the submission checks know about a readable request. */
export interface SubmissionFacts {
  readonly kind: RequestKind;
  /** Kinds the enrollment package may request. */
  readonly packageKinds: readonly RequestKind[];
  /** Whether this public key was already revoked for keyCompromise. */
  readonly keyCompromised: boolean;
  /** For external requests: why the CSR's key usages do not fit the profile, if they do not. */
  readonly usageProblem?: string;
}

export type SubmissionVerdict = { readonly action: 'accept' } | { readonly action: 'refuse'; readonly reason: string };

/**
 * The policy checks that move a stored request from Requested to Pending or Rejected. A refused
 * request is kept with its reason so that managers see it (docs/design.md, "Submission policy").
 */
export function evaluateSubmission(facts: SubmissionFacts): SubmissionVerdict {
  if (!facts.packageKinds.includes(facts.kind)) {
    return { action: 'refuse', reason: `The enrollment package does not allow ${facts.kind} requests.` };
  }
  if (facts.keyCompromised) {
    return { action: 'refuse', reason: 'This public key was revoked for key compromise: make a new key.' };
  }
  if (facts.kind === 'external' && facts.usageProblem !== undefined) {
    return { action: 'refuse', reason: facts.usageProblem };
  }
  return { action: 'accept' };
}
