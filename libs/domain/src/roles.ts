import { DomainError } from './errors';
import type { RequestKind } from './kinds';

export const ROLES = ['admin', 'manager'] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in person: administrators see everything, a manager one organization. */
export interface Actor {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  /** Set for managers only. */
  readonly organizationCode?: string;
}

/** The kinds a role may approve, reject and revoke (docs/design.md, "Who acts, and on what"). */
export function decidableKinds(role: Role): readonly RequestKind[] {
  switch (role) {
    case 'admin':
      return ['workstation', 'server', 'mobile', 'external'];
    case 'manager':
      return ['workstation', 'mobile'];
  }
}

export const canDecide = (actor: Pick<Actor, 'role'>, kind: RequestKind): boolean =>
  decidableKinds(actor.role).includes(kind);

/** Refuses a decision the actor's role does not allow (a 403, unlike a foreign record's 404). */
export function assertCanDecide(actor: Pick<Actor, 'role'>, kind: RequestKind): void {
  if (!canDecide(actor, kind)) {
    throw new DomainError('KIND_NOT_DECIDABLE', `Only a centre administrator may decide ${kind} requests.`, { kind });
  }
}

/** The organization a query must be limited to: undefined means all (administrators). */
export const organizationScope = (actor: Pick<Actor, 'role' | 'organizationCode'>): string | undefined =>
  actor.role === 'admin' ? undefined : (actor.organizationCode ?? '\u0000no-organization');
