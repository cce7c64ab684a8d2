import type { Problem } from '@enroll/contract';

/** The API's refusal, with its problem document: `code` is stable, `detail` says it in words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  /** The message for one form field, when the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.problems.join(', ');
  }
}

/** Someone is listening for expired sessions (the session provider): it sends the person to sign-in. */
let onUnauthenticated: () => void = () => undefined;
export const whenUnauthenticated = (listener: () => void): void => {
  onUnauthenticated = listener;
};

const CSRF_COOKIE = 'enroll_csrf';

/** The double-submit token the API set at sign-in; unsafe methods echo it in a header. */
export function csrfToken(): string | undefined {
  const pair = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return pair ? decodeURIComponent(pair.slice(CSRF_COOKIE.length + 1)) : undefined;
}

async function problemOf(response: Response): Promise<Problem> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return (await response.json()) as Problem;
    } catch {
      // fall through: a body that is not JSON after all
    }
  }
  return {
    type: 'about:blank',
    title: response.statusText || 'Error',
    status: response.status,
    code: 'HTTP_ERROR',
    detail: `The server answered ${response.status}.`,
  };
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Sign-in itself answers 401 for wrong credentials: that is not an expired session. */
  readonly anonymous?: boolean;
}

/** One call to the API with the session cookie; problems become `ApiError`. */
export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const csrf = method === 'GET' ? undefined : csrfToken();
  if (csrf) {
    headers['x-csrf-token'] = csrf;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok) {
    const error = new ApiError(response.status, await problemOf(response));
    if (response.status === 401 && !options.anonymous) {
      onUnauthenticated();
    }
    throw error;
  }
  return response;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await (await send('GET', path, signal ? { signal } : {})).json()) as T;
}

export async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await send('POST', path, { body });
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** A query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Hands a file to the browser to save. */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
