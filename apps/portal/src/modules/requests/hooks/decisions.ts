import type { Me } from '@enroll/contract';
import { allowedFrom, canDecide, type RequestKind, type RequestStatus } from '@enroll/domain';

export type DecisionAction = 'approve' | 'reject' | 'revoke';
export const DECISION_ACTIONS: readonly DecisionAction[] = ['approve', 'reject', 'revoke'];

/**
 * The decisions to offer on a request: the person's role may decide its kind, and the lifecycle
 * allows the action from its status. The same rules as the API's (from @enroll/domain); the API
 * still decides, and its refusal is shown if it comes anyway.
 */
export function offeredDecisions(
  me: Pick<Me, 'role'>,
  request: { kind: RequestKind; status: RequestStatus },
): DecisionAction[] {
  if (!canDecide(me, request.kind)) {
    return [];
  }
  return DECISION_ACTIONS.filter((action) => allowedFrom(action, request.kind).includes(request.status));
}
