import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDomainError, type DomainErrorCode } from '@enroll/domain';
import { isPkiError, type PkiErrorCode } from '@enroll/pki';
import { AppError, type AppErrorCode } from './app-error';
import { databaseUnavailable, dataException, loggableDatabaseError, transactionConflict } from './database-errors';

/** Seconds a client should wait before repeating a request the database could not serve. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** An RFC 9457 problem document with Enroll's stable `code`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly [extension: string]: unknown;
}

function appStatus(code: AppErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'MALFORMED_JSON':
      return 400;
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
    case 'CERTIFICATE_REQUIRED':
    case 'UNKNOWN_ISSUER':
    case 'UNKNOWN_CERTIFICATE':
    case 'CERTIFICATE_EXPIRED':
    case 'CERTIFICATE_NOT_YET_VALID':
      return 401;
    case 'CERTIFICATE_REVOKED':
    case 'ACCOUNT_DISABLED':
    case 'CERTIFICATE_SIGN_IN_REQUIRED':
    case 'NOT_A_USER_CERTIFICATE':
      return 403;
    case 'CERTIFICATE_ALREADY_REVOKED':
    case 'CANNOT_DISABLE_SELF':
      return 409;
    case 'CSRF_TOKEN_INVALID':
    case 'FORBIDDEN':
    case 'PACKAGE_DISABLED':
    case 'MANAGER_CERTIFICATE':
    case 'NOT_A_CLIENT_CERTIFICATE':
    case 'NOT_A_DEVICE_CERTIFICATE':
      return 403;
    case 'NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
      return 404;
    case 'ORGANIZATION_EXISTS':
    case 'USERNAME_TAKEN':
    case 'CERTIFICATE_NOT_READY':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'ORGANIZATION_UNKNOWN':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL_ERROR':
      return 500;
    case 'SERVICE_UNAVAILABLE':
      return 503;
  }
}

function pkiStatus(code: PkiErrorCode): number {
  switch (code) {
    case 'CSR_MALFORMED':
    case 'CSR_MULTIPLE_BLOCKS':
    case 'OCSP_REQUEST_MALFORMED':
      return 400;
    case 'CSR_TOO_LARGE':
      return 413;
    case 'CSR_SIGNATURE_INVALID':
    case 'SIGNATURE_ALGORITHM_UNSUPPORTED':
    case 'KEY_ALGORITHM_UNSUPPORTED':
    case 'KEY_ENCODING_UNSUPPORTED':
    case 'KEY_TOO_WEAK':
    case 'KEY_SIZE_UNSUPPORTED':
    case 'KEY_EXPONENT_UNSUPPORTED':
    case 'CURVE_UNSUPPORTED':
    case 'SUBJECT_INVALID':
    case 'EXTENSION_INVALID':
    case 'KEY_USAGE_MISMATCH':
    case 'EKU_MISMATCH':
    case 'PROFILE_INPUT_INVALID':
      return 422;
    case 'CA_KEY_INVALID':
    case 'ISSUANCE_SELF_CHECK_FAILED':
    case 'CERTIFICATE_LINT_FAILED':
      return 500;
  }
}

function domainStatus(code: DomainErrorCode): number {
  switch (code) {
    case 'KIND_NOT_ALLOWED':
    case 'KIND_NOT_DECIDABLE':
    case 'NOT_A_DEVICE_CERTIFICATE':
    case 'RENEWAL_NOT_ALLOWED':
    case 'PACKAGE_DISABLED':
    case 'RENEWAL_SUBJECT_CHANGED':
    case 'RENEWAL_SAME_KEY':
    case 'KEY_COMPROMISED':
      return 403;
    case 'INVALID_TRANSITION':
    case 'ALREADY_RENEWED':
      return 409;
  }
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function httpCode(status: number): AppErrorCode {
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'ROUTE_NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED';
  }
}

/** Body-parser's errors carry a `type` and a `status`; they are the client's fault, never a 500. */
function bodyParserProblem(error: unknown): { code: AppErrorCode; detail: string } | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return { code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is too large.' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The request body encoding is not supported.' };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { code: 'VALIDATION_FAILED', detail: 'The request body could not be read.' };
    default:
      return undefined;
  }
}

/**
 * Errors of Express and its middleware that carry a 4xx status (http-errors style: a parameter
 * that cannot be decoded, a body-parser type not listed above): the client's fault. Their
 * message may quote the input, so the detail is generic.
 */
function clientHttpError(error: unknown): number | undefined {
  const e = error as { status?: unknown; statusCode?: unknown } | null;
  const status =
    typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 ? status : undefined;
}

/** Maps any thrown value to a problem document. Unknown errors become a 500 without details. */
export function toProblem(error: unknown): Problem {
  let status: number;
  let code: string;
  let detail: string;
  let extensions: Record<string, unknown> = {};
  // Nest wraps body-parser's errors in an HttpException and keeps the original as the cause.
  const parser =
    bodyParserProblem(error) ?? (error instanceof HttpException ? bodyParserProblem(error.cause) : undefined);
  if (error instanceof AppError) {
    status = appStatus(error.code);
    ({ code, message: detail } = error);
    extensions = { ...error.details };
  } else if (isPkiError(error)) {
    status = pkiStatus(error.code);
    ({ code, message: detail } = error);
    extensions = { ...(error.details ?? {}) };
  } else if (isDomainError(error)) {
    status = domainStatus(error.code);
    ({ code, message: detail } = error);
    extensions = { ...error.details };
  } else if (parser) {
    ({ code, detail } = parser);
    status = appStatus(parser.code);
  } else if (databaseUnavailable(error) || transactionConflict(error)) {
    status = 503;
    code = 'SERVICE_UNAVAILABLE';
    detail = 'The database cannot be reached at the moment: try again shortly.';
    extensions = { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS };
  } else if (dataException(error)) {
    status = 400;
    code = 'VALIDATION_FAILED';
    detail = 'A value of the request is out of range or not acceptable.';
  } else if (error instanceof HttpException) {
    status = error.getStatus();
    code = httpCode(status);
    const response = error.getResponse();
    const message = typeof response === 'object' ? (response as { message?: unknown }).message : response;
    detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
  } else if (clientHttpError(error) !== undefined) {
    status = clientHttpError(error) ?? 400;
    code = httpCode(status);
    detail = 'The request could not be read.';
  } else {
    status = 500;
    code = 'INTERNAL_ERROR';
    detail = 'An unexpected error occurred. It has been logged.';
  }
  // Extensions never override the RFC 9457 members.
  return {
    ...extensions,
    type: `urn:enroll:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
  };
}

/** The one place where errors become HTTP responses (application/problem+json). */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const problem = toProblem(error);
    logProblem(this.logger, problem, error, request);
    sendProblem(response, problem);
  }
}

/**
 * Failures are logged without the values of the request: a database error keeps its SQLSTATE
 * and statement, not its bound parameters. An unreachable database and a value the database
 * refused are warnings; anything else that became a 5xx is an error, with its stack.
 */
export function logProblem(logger: Logger, problem: Problem, error: unknown, request: Request): void {
  const database = loggableDatabaseError(error);
  const where = { method: request.method, url: request.path };
  if (problem.code === 'SERVICE_UNAVAILABLE' || (problem.status < 500 && database)) {
    logger.warn({ ...where, err: database ?? { message: (error as Error | undefined)?.message } }, problem.detail);
  } else if (problem.status >= 500) {
    logger.error({ ...where, err: database ?? error }, 'request failed');
  }
}

export function sendProblem(response: Response, problem: Problem): void {
  if (response.headersSent) {
    return;
  }
  if ((problem.status === 503 || problem.status === 429) && typeof problem.retryAfterSeconds === 'number') {
    response.setHeader('retry-after', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
  }
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
