import type { ConnectionTestResult, Page, RequestView, SubmissionPreview, Wire } from '@enroll/contract';
import { isRequestKind, REQUEST_STATUSES, type EnrollmentType, type RequestStatus } from '@enroll/domain';
import { OperationError, type ApiProblem } from './errors';

/**
 * A request as the client endpoints answer it (docs/api.md, "Client endpoints (package token)"):
 * the fields of `RequestView` of @enroll/contract that the client reads, as JSON makes them.
 * `rejectionReason` also carries why a request was Cancelled.
 */
export type RequestSummary = Pick<
  Wire<RequestView>,
  | 'id'
  | 'status'
  | 'kind'
  | 'commonName'
  | 'subject'
  | 'submittedAt'
  | 'requestedBy'
  | 'downloadedAt'
  | 'downloadedBy'
  | 'enrollmentType'
  | 'rejectionReason'
> &
  // Absent from APIs older than renewal.
  Partial<Pick<Wire<RequestView>, 'renewalOf'>>;

/** The 200 answer of the mTLS test service. */
export type TestAnswer = Wire<ConnectionTestResult>;

// A record lists every member of the union, so that a new enrollment type fails to compile here.
const ENROLLMENT_TYPES: Readonly<Record<EnrollmentType, true>> = { Machine: true, User: true, External: true };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const unexpected = (url: string, what: string): OperationError =>
  new OperationError(
    'UNEXPECTED_RESPONSE',
    `The service at ${url} answered with an unexpected body (${what}): is the URL right and the API current?`,
  );

const isStatus = (value: unknown): value is RequestStatus => REQUEST_STATUSES.some((status) => status === value);
const isEnrollmentType = (value: unknown): value is EnrollmentType =>
  typeof value === 'string' && Object.hasOwn(ENROLLMENT_TYPES, value);
const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

/**
 * Reads one request object. The types say what the API promises; this checks that the body keeps
 * that promise, so that a wrong URL (another JSON service, a proxy's page) says so instead of
 * installing nonsense.
 */
export function readRequest(value: unknown, url: string): RequestSummary {
  if (!isRecord(value)) {
    throw unexpected(url, 'not a request object');
  }
  const {
    id,
    status,
    kind,
    commonName,
    subject,
    submittedAt,
    requestedBy,
    downloadedAt,
    downloadedBy,
    enrollmentType,
    rejectionReason,
    renewalOf,
  } = value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || !isStatus(status)) {
    throw unexpected(url, 'a request without an integer id or a known status');
  }
  if (!isRequestKind(kind) || !isEnrollmentType(enrollmentType)) {
    throw unexpected(url, `request ${id} has no known kind or enrollment type`);
  }
  if (!isText(commonName) || !isText(subject) || !isText(submittedAt) || !isText(requestedBy)) {
    throw unexpected(url, `request ${id} lacks its common name, subject, submission date or requester`);
  }
  if (!isTextOrNull(downloadedAt) || !isTextOrNull(downloadedBy) || !isTextOrNull(rejectionReason)) {
    throw unexpected(url, `request ${id} has a download or rejection field that is neither text nor null`);
  }
  return {
    id,
    status,
    kind,
    commonName,
    subject,
    submittedAt,
    requestedBy,
    downloadedAt,
    downloadedBy,
    enrollmentType,
    rejectionReason,
    ...(typeof renewalOf === 'number' && Number.isSafeInteger(renewalOf) ? { renewalOf } : {}),
  };
}

/** Reads one page of a list: `{ items, nextCursor }`. */
export function readPage(value: unknown, url: string): Page<RequestSummary> {
  if (!isRecord(value) || !Array.isArray(value.items) || !isTextOrNull(value.nextCursor)) {
    throw unexpected(url, 'not a list of requests');
  }
  return { items: value.items.map((item) => readRequest(item, url)), nextCursor: value.nextCursor };
}

export function readTestAnswer(value: unknown, url: string): TestAnswer {
  if (
    !isRecord(value) ||
    !isText(value.message) ||
    !isText(value.subject) ||
    !isText(value.serialNumber) ||
    !isText(value.notAfter)
  ) {
    throw unexpected(url, 'not the answer of the test connection service');
  }
  return { message: value.message, subject: value.subject, serialNumber: value.serialNumber, notAfter: value.notAfter };
}

/** The answer to a dry run (`?dryRun=true`): what the submission would create. */
export type Preview = Wire<SubmissionPreview>;

const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);

/**
 * Reads a dry run's answer. An API older than the dry run ignores `?dryRun=true` and submits:
 * its answer is a request, said as `submitted` so that the caller keeps the key it certifies.
 */
export function readPreview(
  value: unknown,
  url: string,
): { readonly preview: Preview } | { readonly submitted: RequestSummary } {
  if (isRecord(value) && value.verdict === undefined && typeof value.id === 'number') {
    return { submitted: readRequest(value, url) };
  }
  if (
    !isRecord(value) ||
    (value.verdict !== 'Pending' && value.verdict !== 'Rejected') ||
    !isRequestKind(value.kind) ||
    !isText(value.subject) ||
    !isText(value.commonName) ||
    !isTextList(value.keyUsage) ||
    !isTextList(value.extendedKeyUsage) ||
    !Array.isArray(value.subjectAltNames) ||
    typeof value.validityDays !== 'number' ||
    !isEnrollmentType(value.enrollmentType) ||
    !Array.isArray(value.cancels)
  ) {
    throw unexpected(url, 'not the answer of a dry run');
  }
  const names = value.subjectAltNames.filter(
    (name): name is { type: string; value: string } => isRecord(name) && isText(name.type) && isText(name.value),
  );
  return {
    preview: {
      kind: value.kind,
      subject: value.subject,
      commonName: value.commonName,
      keyUsage: value.keyUsage,
      extendedKeyUsage: value.extendedKeyUsage,
      subjectAltNames: names.map((name) => ({ type: name.type, value: name.value })),
      validityDays: value.validityDays,
      enrollmentType: value.enrollmentType,
      verdict: value.verdict,
      ...(isText(value.rejectionReason) ? { rejectionReason: value.rejectionReason } : {}),
      cancels: value.cancels.filter((id): id is number => typeof id === 'number' && Number.isSafeInteger(id)),
    },
  };
}

/** Whether a request is an external one (its key is elsewhere; it is saved, not installed). */
export const isExternal = (request: RequestSummary): boolean => request.kind === 'external';

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Reads a problem+json body (docs/api.md: `type`, `title`, `status`, `detail`, `code`). Anything else,
 * such as a proxy's error page, becomes a problem with the HTTP status and a snippet of the body.
 */
export function readProblem(status: number, statusText: string, body: string): ApiProblem {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    value = undefined;
  }
  if (isRecord(value)) {
    const code = nonEmpty(value.code);
    const title = nonEmpty(value.title);
    const detail = nonEmpty(value.detail);
    if (code !== undefined || title !== undefined || detail !== undefined) {
      return { status, ...(code ? { code } : {}), ...(title ? { title } : {}), ...(detail ? { detail } : {}) };
    }
  }
  const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { status, title: statusText || `HTTP ${status}`, ...(snippet ? { detail: snippet } : {}) };
}
