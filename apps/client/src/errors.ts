import type { Problem } from '@enroll/contract';

/**
 * Exit codes that scripts can trust. They are part of the command line's contract (printed by
 * `enroll --help`): change one only with a new major version.
 */
export const EXIT = {
  ok: 0,
  /** The operation failed or was refused (by the service, or by a local check before sending). */
  failed: 1,
  /** Bad usage or configuration: unknown option, missing package, invalid package file. */
  usage: 2,
  /** A service could not be reached (connection refused, DNS, timeout, TLS transport failure). */
  network: 3,
  /**
   * `enroll get` did its work, and has news a person must act on, said for the first time: a
   * request rejected or cancelled, or a certificate installed here revoked.
   */
  attention: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the client explains to its user in one line; `code` is stable for --json output. */
export class CliError extends Error {
  override readonly name: string = 'CliError';

  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A usage or configuration mistake (exit 2). */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(code: string, message: string) {
    super(EXIT.usage, code, message);
  }
}

/** An operation that failed or was refused (exit 1). */
export class OperationError extends CliError {
  override readonly name = 'OperationError';

  constructor(code: string, message: string) {
    super(EXIT.failed, code, message);
  }
}

/** A service that could not be reached (exit 3); the message always names the URL. */
export class NetworkError extends CliError {
  override readonly name = 'NetworkError';

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(EXIT.network, 'NETWORK_ERROR', `Cannot reach ${url}: ${reason}.`);
  }
}

/**
 * A refusal as far as the client could read it: the API's problem+json (`Problem` of
 * @enroll/contract), or only the status and a snippet when something else answered.
 */
export type ApiProblem = Pick<Problem, 'status'> & Partial<Pick<Problem, 'code' | 'title' | 'detail'>>;

/** The service answered, and refused (exit 1). */
export class ApiError extends CliError {
  override readonly name = 'ApiError';

  constructor(
    readonly url: string,
    readonly problem: ApiProblem,
  ) {
    const what = problem.detail ?? problem.title ?? `HTTP ${problem.status}`;
    super(
      EXIT.failed,
      problem.code ?? `HTTP_${problem.status}`,
      `The service refused the call to ${url} (${problem.status}${problem.code ? ` ${problem.code}` : ''}): ${what}`,
    );
  }
}

const SOCKET_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the service running and the port right?)',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'the connection was closed',
  UND_ERR_CONNECT_TIMEOUT: 'timed out while connecting',
  UND_ERR_SOCKET: 'the connection was closed',
  ERR_INVALID_URL: 'the URL is not valid',
};

/**
 * Reads a field of a thrown value by shape: errors made by node's core come from another realm
 * under test runners (and from other libraries anywhere), where `instanceof Error` is false.
 */
export function errorField(value: unknown, field: 'code' | 'name' | 'message' | 'cause' | 'stack' | 'path'): unknown {
  return typeof value === 'object' && value !== null && field in value
    ? (value as Record<string, unknown>)[field]
    : undefined;
}

/** The message of anything thrown. */
export function errorMessage(value: unknown): string {
  const message = errorField(value, 'message');
  return typeof message === 'string' ? message : String(value);
}

const stringField = (value: unknown, field: 'code' | 'name'): string | undefined => {
  const found = errorField(value, field);
  return typeof found === 'string' ? found : undefined;
};

/**
 * One readable reason for a transport failure. fetch wraps the socket error in `cause`, and
 * AbortSignal.timeout rejects with a TimeoutError: unwrap both.
 */
export function describeNetworkFailure(error: unknown, timeoutMs: number): string {
  const name = stringField(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause = errorField(error, 'cause') ?? error;
  const code = stringField(cause, 'code') ?? stringField(error, 'code');
  if (code && SOCKET_REASONS[code]) {
    return `${SOCKET_REASONS[code]} (${code})`;
  }
  const message = errorMessage(cause);
  return code ? `${message} (${code})` : message;
}
