import { OperationError } from './errors';

/** A request as the client endpoints list it (docs/api.md, "Client endpoints (package token)"). */
export interface RequestSummary {
  readonly id: number;
  readonly status: string;
  readonly commonName: string;
  readonly submittedAt: string | null;
  readonly requestedBy: string;
  readonly downloadedAt: string | null;
  readonly downloadedBy: string | null;
  /** `Machine`, `User` or `External`. */
  readonly enrollmentType: string;
  /** Not in the list contract; read when the API sends it. */
  readonly kind?: string;
  /** Why a request is Rejected or Cancelled, when the API says. */
  readonly reason?: string;
}

/** The 201 answer to a submission. */
export interface SubmittedRequest extends RequestSummary {
  readonly subject?: string;
}

/** The 200 answer of the mTLS test service. */
export interface TestAnswer {
  readonly message: string;
  readonly subject?: string;
  readonly serialNumber?: string;
  readonly notAfter?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const unexpected = (url: string, what: string): OperationError =>
  new OperationError('UNEXPECTED_RESPONSE', `The service at ${url} answered with an unexpected body (${what}): is the URL right and the API current?`);

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The last reason in a request's history, for APIs that keep reasons there only. */
function historyReason(value: unknown): string | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const reasons = value.filter(isRecord).map((entry) => text(entry.reason));
  return reasons.filter((r): r is string => r !== undefined).at(-1);
}

/** Reads one request object; the id may come as a number or a numeric string. */
export function readRequest(value: unknown, url: string): SubmittedRequest {
  if (!isRecord(value)) {
    throw unexpected(url, 'not a request object');
  }
  const id = typeof value.id === 'string' && /^\d+$/.test(value.id) ? Number(value.id) : value.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || typeof value.status !== 'string') {
    throw unexpected(url, 'a request without an integer id or a status');
  }
  const reason =
    text(value.rejectionReason) ?? text(value.cancellationReason) ?? text(value.statusReason) ?? text(value.reason) ?? historyReason(value.history);
  const kind = text(value.kind);
  const subject = text(value.subject);
  return {
    id,
    status: value.status,
    commonName: text(value.commonName) ?? '',
    submittedAt: text(value.submittedAt) ?? null,
    requestedBy: text(value.requestedBy) ?? '',
    downloadedAt: text(value.downloadedAt) ?? null,
    downloadedBy: text(value.downloadedBy) ?? null,
    enrollmentType: text(value.enrollmentType) ?? '',
    ...(kind === undefined ? {} : { kind }),
    ...(reason === undefined ? {} : { reason }),
    ...(subject === undefined ? {} : { subject }),
  };
}

/** Reads one page of a list: `{ items, nextCursor }` (a bare array is accepted too). */
export function readPage(value: unknown, url: string): { items: RequestSummary[]; nextCursor: string | null } {
  if (Array.isArray(value)) {
    return { items: value.map((item) => readRequest(item, url)), nextCursor: null };
  }
  if (!isRecord(value) || !Array.isArray(value.items)) {
    throw unexpected(url, 'not a list of requests');
  }
  return { items: value.items.map((item) => readRequest(item, url)), nextCursor: text(value.nextCursor) ?? null };
}

export function readTestAnswer(value: unknown, url: string): TestAnswer {
  if (!isRecord(value) || typeof value.message !== 'string') {
    throw unexpected(url, 'no message');
  }
  const subject = text(value.subject);
  const serialNumber = text(value.serialNumber);
  const notAfter = text(value.notAfter);
  return {
    message: value.message,
    ...(subject === undefined ? {} : { subject }),
    ...(serialNumber === undefined ? {} : { serialNumber }),
    ...(notAfter === undefined ? {} : { notAfter }),
  };
}

/** Whether a request is an external one (its key is elsewhere; it is saved, not installed). */
export const isExternal = (request: RequestSummary): boolean => request.enrollmentType === 'External' || request.kind === 'external';

/** Reads a problem+json body; anything else becomes a problem with the HTTP status and a snippet. */
export function readProblem(status: number, statusText: string, body: string): { status: number; code?: string; title?: string; detail?: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    value = undefined;
  }
  if (isRecord(value)) {
    const code = text(value.code);
    const title = text(value.title) ?? text(value.error);
    const detailValue = Array.isArray(value.message) ? value.message.join('; ') : value.message;
    const detail = text(value.detail) ?? text(detailValue);
    return { status, ...(code ? { code } : {}), ...(title ? { title } : {}), ...(detail ? { detail } : {}) };
  }
  const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { status, title: statusText || `HTTP ${status}`, ...(snippet ? { detail: snippet } : {}) };
}
