/**
 * @enroll/contract: the response bodies of Enroll's public REST API (docs/api.md), written once.
 * The API builds its answers with these types; the portal and the enroll client read them as
 * `Wire<T>`, which is what JSON makes of them (instants become ISO 8601 strings). Types only: no
 * value lives here, so importing it costs nothing at run time.
 */
export type * from './wire';
export type * from './requests';
export type * from './certificates';
export type * from './administration';
export type * from './device';
export type * from './problems';
export type * from './submission-preview';
export type * from './package-trust';
