import type { ClientConfigTrust, ClientConfig as ContractClientConfig } from '@enroll/contract';
import { CERTIFICATE_STORES, REQUEST_KINDS, type RequestKind } from '@enroll/domain';
import { errorMessage, UsageError } from './errors';

export const CLIENT_CONFIG_FORMAT: ContractClientConfig['format'] = 'enroll-client-config/1';

/** The services the client calls. Files exported before renewal lack `renew`: see renewUrl. */
type ClientUrls = Pick<ContractClientConfig['urls'], 'api' | 'request' | 'revoke' | 'test' | 'caChain'> &
  Partial<Pick<ContractClientConfig['urls'], 'renew'>>;

/**
 * The enrollment package file exported by the portal (`clientConfig` of @enroll/contract), as far
 * as the client reads and checks it: files exported before the API named a new URL, or before it
 * wrote the root's fingerprint (checkChainAnchor; colons are accepted in it), stay valid.
 * Read-only here: the client never changes it.
 */
export type ClientConfig = DeepReadonly<
  Omit<ContractClientConfig, 'urls'> & {
    urls: ClientUrls;
  } & Partial<ClientConfigTrust>
>;

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The environment becomes a folder name (config/<environment>/): no separators, no dot-dot tricks.
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkUrl(errors: string[], field: string, value: unknown, httpsOnly: boolean): void {
  if (typeof value !== 'string') {
    errors.push(`${field} is missing (a URL is expected)`);
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    errors.push(`${field} is not a valid URL: ${JSON.stringify(value)}`);
    return;
  }
  if (httpsOnly && url.protocol !== 'https:') {
    // The test and revoke services authenticate the device by its certificate: TLS is the point.
    errors.push(`${field} must be an https:// URL (mutual TLS), not ${JSON.stringify(value)}`);
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    errors.push(`${field} must be an http:// or https:// URL, not ${JSON.stringify(value)}`);
  }
}

function checkString(errors: string[], field: string, value: unknown, pattern: RegExp, expected: string): void {
  if (typeof value !== 'string' || !pattern.test(value)) {
    errors.push(
      `${field} must be ${expected}${value === undefined ? ' (it is missing)' : `, not ${JSON.stringify(value)}`}`,
    );
  }
}

/** Every problem of a package file, in reading order; empty when the file is valid. */
export function clientConfigProblems(value: unknown): string[] {
  if (!isRecord(value)) {
    return ['the file must hold a JSON object'];
  }
  const errors: string[] = [];
  if (value.format !== CLIENT_CONFIG_FORMAT) {
    errors.push(`format must be "${CLIENT_CONFIG_FORMAT}", not ${JSON.stringify(value.format)}`);
  }
  checkString(errors, 'packageId', value.packageId, UUID, 'a UUID');
  const organization = value.organization;
  if (isRecord(organization)) {
    checkString(
      errors,
      'organization.code',
      organization.code,
      /^[A-Za-z0-9_-]{1,64}$/,
      'an organization code (letters and digits)',
    );
    checkString(errors, 'organization.name', organization.name, /^.{1,200}$/u, 'the organization name');
    checkString(
      errors,
      'organization.country',
      organization.country,
      /^[A-Z]{2}$/,
      'an ISO 3166 two-letter country code in capitals',
    );
  } else {
    errors.push('organization must be an object with code, name and country');
  }
  checkString(
    errors,
    'environment',
    value.environment,
    ENVIRONMENT,
    'an environment name of letters, digits, spaces, dots, dashes or underscores',
  );
  if (!CERTIFICATE_STORES.some((store) => store === value.store)) {
    errors.push(
      `store must be ${CERTIFICATE_STORES.map((store) => `"${store}"`).join(' or ')}, not ${JSON.stringify(value.store)}`,
    );
  }
  const kinds = value.kinds;
  if (!Array.isArray(kinds) || kinds.length === 0) {
    errors.push(`kinds must be a non-empty list of ${REQUEST_KINDS.join(', ')}`);
  } else {
    for (const kind of kinds) {
      if (!REQUEST_KINDS.some((known) => known === kind)) {
        errors.push(`kinds holds an unknown kind ${JSON.stringify(kind)} (known: ${REQUEST_KINDS.join(', ')})`);
      }
    }
    if (new Set(kinds).size !== kinds.length) {
      errors.push('kinds lists a kind twice');
    }
  }
  const urls = value.urls;
  if (isRecord(urls)) {
    checkUrl(errors, 'urls.api', urls.api, false);
    checkUrl(errors, 'urls.request', urls.request, false);
    checkUrl(errors, 'urls.revoke', urls.revoke, true);
    checkUrl(errors, 'urls.test', urls.test, true);
    checkUrl(errors, 'urls.caChain', urls.caChain, false);
    if (urls.renew !== undefined) {
      checkUrl(errors, 'urls.renew', urls.renew, true);
    }
  } else {
    errors.push('urls must be an object with api, request, revoke, test and caChain');
  }
  checkString(errors, 'token', value.token, /^\S{8,1024}$/, 'the package token (8 characters or more, no spaces)');
  if (value.caFingerprint !== undefined) {
    checkString(
      errors,
      'caFingerprint',
      value.caFingerprint,
      /^(?:[0-9A-Fa-f]{64}|(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$/,
      "the root CA certificate's SHA-256 in hex (64 digits, colons allowed)",
    );
  }
  return errors;
}

/** Parses and validates a package file's text; a UsageError lists every problem at once. */
export function parseClientConfig(text: string, source: string): ClientConfig {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError('PACKAGE_INVALID', `${source} is not a JSON file: ${errorMessage(error)}.`);
  }
  const problems = clientConfigProblems(value);
  if (problems.length > 0) {
    throw new UsageError(
      'PACKAGE_INVALID',
      `${source} is not a valid enrollment package file:\n  - ${problems.join('\n  - ')}`,
    );
  }
  // clientConfigProblems checked every field this type promises.
  return value as ClientConfig;
}

/**
 * The renewal service (mutual TLS). A package file exported before renewal existed has no
 * `urls.renew`: the renewal lives on the same mTLS port as the revocation it names.
 */
export const renewUrl = (config: ClientConfig): string =>
  config.urls.renew ?? new URL('/api/v1/enrollment/renew', new URL(config.urls.revoke).origin).toString();

/** Whether the package lets this client submit requests of a kind. */
export const allowsKind = (config: ClientConfig, kind: RequestKind): boolean => config.kinds.includes(kind);
