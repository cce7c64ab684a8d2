/** @enroll/domain: Enroll's request lifecycle, roles and policies. Pure TypeScript, no framework. */
export * from './errors';
export * from './kinds';
export * from './lifecycle';
export * from './roles';
export * from './policy';
export * from './revocation';
export * from './renewal';
