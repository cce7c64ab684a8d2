import { SetMetadata } from '@nestjs/common';
import type { Role } from '@enroll/domain';

/** Who may call a route. A route with no decorator is for administrators only (deny by default). */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'package' }
  | { readonly kind: 'device' }
  | { readonly kind: 'user'; readonly roles: readonly Role[] };

export const ACCESS_KEY = 'enroll:access';

/** A deliberately public route (PKI endpoints, health, sign-in). */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies Access);

/** A route for the enroll client, authenticated by its enrollment package token. */
export const PackageAuth = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'package' } satisfies Access);

/** A route of the mTLS port, authenticated by the client certificate presented in the TLS handshake. */
export const DeviceAuth = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'device' } satisfies Access);

/** A route for signed-in people with one of these roles. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'user', roles } satisfies Access);

export const DEFAULT_ACCESS: Access = { kind: 'user', roles: ['admin'] };
