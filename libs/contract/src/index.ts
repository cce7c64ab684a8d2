/**
 * @enroll/contract: the response bodies of Enroll's public REST API (docs/api.md), written once.
 * The API builds its answers with these types; the portal reads them as `Wire<T>`, which is what
 * JSON makes of them (instants become ISO 8601 strings).
 */
export type * from './wire';
export type * from './requests';
export type * from './certificates';
export type * from './administration';
