import { vi } from 'vitest';

export interface Call {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

type Answer = { status?: number; body?: unknown; contentType?: string };
type Handler = (call: Call) => Answer | Promise<Answer>;

/**
 * Stands in for the API at the network boundary (fetch), answering by "METHOD /path" with the
 * query string left off. Every call is recorded; an unexpected one fails the test loudly.
 */
export function stubApi(routes: Record<string, Handler | Answer>) {
  const calls: Call[] = [];
  const fetchStub = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString(), 'http://portal.test');
    const method = init?.method ?? 'GET';
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const call: Call = {
      method,
      path: url.pathname + url.search,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      headers,
    };
    calls.push(call);
    const route = routes[`${method} ${url.pathname}`];
    if (!route) {
      return new Response(
        JSON.stringify({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          code: 'NOT_FOUND',
          detail: `no stub for ${method} ${url.pathname}`,
        }),
        {
          status: 404,
          headers: { 'content-type': 'application/problem+json' },
        },
      );
    }
    const answer = typeof route === 'function' ? await route(call) : route;
    const status = answer.status ?? 200;
    const problem = status >= 400;
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status,
      headers: { 'content-type': answer.contentType ?? (problem ? 'application/problem+json' : 'application/json') },
    });
  });
  vi.stubGlobal('fetch', fetchStub);
  return {
    calls,
    callsTo: (method: string, prefix: string) => calls.filter((c) => c.method === method && c.path.startsWith(prefix)),
  };
}

export const problem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  body: { type: `urn:enroll:problem:${code.toLowerCase()}`, title: 'Error', status, code, detail, ...extra },
});
