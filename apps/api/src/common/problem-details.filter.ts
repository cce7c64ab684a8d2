import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDomainError, type DomainErrorCode } from '@enroll/domain';
import { isPkiError, type PkiErrorCode } from '@enroll/pki';
import { AppError, type AppErrorCode } from './app-error';

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
      return 403;
    case 'NOT_A_DEVICE_CERTIFICATE':
      return 409;
    case 'CSRF_TOKEN_INVALID':
    case 'FORBIDDEN':
    case 'PACKAGE_DISABLED':
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
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
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

/** Maps any thrown value to a problem document. Unknown errors become a 500 without details. */
export function toProblem(error: unknown): Problem {
  let status: number;
  let code: string;
  let detail: string;
  let extensions: Record<string, unknown> = {};
  // Nest wraps body-parser's errors in an HttpException and keeps the original as the cause.
  const parser = bodyParserProblem(error) ?? (error instanceof HttpException ? bodyParserProblem(error.cause) : undefined);
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
  } else if (error instanceof HttpException) {
    status = error.getStatus();
    code = httpCode(status);
    const response = error.getResponse();
    const message = typeof response === 'object' ? (response as { message?: unknown }).message : response;
    detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
  } else {
    status = 500;
    code = 'INTERNAL_ERROR';
    detail = 'An unexpected error occurred. It has been logged.';
  }
  // Extensions never override the RFC 9457 members.
  return { ...extensions, type: `urn:enroll:problem:${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[status] ?? 'Error', status, detail, code };
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
    if (problem.status >= 500) {
      this.logger.error({ err: error, method: request.method, url: request.originalUrl }, 'request failed');
    }
    sendProblem(response, problem);
  }
}

export function sendProblem(response: Response, problem: Problem): void {
  if (response.headersSent) {
    return;
  }
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
