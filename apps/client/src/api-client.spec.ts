import { ApiClient } from './api-client';
import type { RequestSummary } from './api-model';
import { ApiError } from './errors';
import type { FetchFunction, FetchInit } from './http-fetch';
import { cli, scratch } from './test-support/harness';
import { packageFile, TOKEN } from './test-support/package-file';

/**
 * The client's side of the HTTP exchange with fixed answers (a fetch function, no server): what
 * the real API does not let a test choose, such as a second page or a body from the wrong
 * service. The exchange with the real API is in e2e/test/client.e2e-spec.ts.
 */
const BASE = 'http://api.test';
const config = packageFile(BASE, 'https://api.test:3443');

const request = (id: number): RequestSummary => ({
  id,
  status: 'Pending',
  kind: 'workstation',
  commonName: `CN${id}`,
  subject: `CN=CN${id}`,
  submittedAt: '2026-11-24T09:05:00.000Z',
  requestedBy: 'WS-0042\\alice',
  downloadedAt: null,
  downloadedBy: null,
  enrollmentType: 'Machine',
  rejectionReason: null,
});

interface Answer {
  readonly status?: number;
  readonly body: string;
}

/** A fetch that answers from a table by path and query, and records every call. */
function fixedFetch(answer: (url: URL) => Answer): { fetch: FetchFunction; calls: { url: URL; init: FetchInit }[] } {
  const calls: { url: URL; init: FetchInit }[] = [];
  const fetch: FetchFunction = (url, init = {}) => {
    const parsed = new URL(url);
    calls.push({ url: parsed, init });
    const { status = 200, body } = answer(parsed);
    return Promise.resolve({
      ok: status >= 200 && status < 300,
      status,
      statusText: status === 200 ? 'OK' : 'Refused',
      text: () => Promise.resolve(body),
    });
  };
  return { fetch, calls };
}

describe('ApiClient', () => {
  it('follows the cursor page by page, with the limit, the requester and the token', async () => {
    const pages: Record<string, { items: RequestSummary[]; nextCursor: string | null }> = {
      '': { items: [request(5), request(4)], nextCursor: 'p2' },
      p2: { items: [request(3), request(2)], nextCursor: 'p3' },
      p3: { items: [request(1)], nextCursor: null },
    };
    const { fetch, calls } = fixedFetch((url) => ({
      body: JSON.stringify(pages[url.searchParams.get('cursor') ?? '']),
    }));
    const listed = await new ApiClient(config, fetch, 5000).listRequests('WS-0042\\alice');
    expect(listed.map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
    expect(calls.map((c) => c.url.search)).toEqual([
      '?limit=100&requestedBy=WS-0042%5Calice',
      '?limit=100&requestedBy=WS-0042%5Calice&cursor=p2',
      '?limit=100&requestedBy=WS-0042%5Calice&cursor=p3',
    ]);
    expect(calls.every((c) => c.init.headers?.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('stops when a page gives back the cursor it was asked with', async () => {
    const { fetch, calls } = fixedFetch(() => ({ body: JSON.stringify({ items: [request(1)], nextCursor: 'same' }) }));
    expect(await new ApiClient(config, fetch, 5000).listRequests()).toHaveLength(2);
    expect(calls).toHaveLength(2);
  });

  it('fetches the CA chain without the token: it is public', async () => {
    const { fetch, calls } = fixedFetch(() => ({ body: '-----BEGIN CERTIFICATE-----' }));
    await new ApiClient(config, fetch, 5000).fetchCaChain();
    expect(calls[0]?.url.pathname).toBe('/pki/ca.pem');
    expect(calls[0]?.init.headers?.authorization).toBeUndefined();
  });

  it('turns a problem into an ApiError carrying its code', async () => {
    const problem = {
      type: 'urn:enroll:problem:not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No request 9 in this package.',
      code: 'NOT_FOUND',
    };
    const { fetch } = fixedFetch(() => ({ status: 404, body: JSON.stringify(problem) }));
    const error = await new ApiClient(config, fetch, 5000).getRequest(9).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', exitCode: 1, problem: { status: 404, code: 'NOT_FOUND' } });
    expect((error as Error).message).toBe(
      `The service refused the call to ${BASE}/api/v1/enrollment/requests/9 (404 NOT_FOUND): No request 9 in this package.`,
    );
  });
});

describe('a request URL that is not the API', () => {
  const files = scratch();
  afterAll(() => {
    files.cleanup();
  });

  it.each<[string, string, RegExp]>([
    [
      'a web page',
      '<!doctype html><html><body>Portal</body></html>',
      /^Error: The service at http:\/\/api\.test\/api\/v1\/enrollment\/requests\?limit=100&requestedBy=.* did not answer with JSON: is the URL right\?$/m,
    ],
    [
      'another JSON service',
      '{"status":"ok","database":"up"}',
      /^Error: The service at http:\/\/api\.test\/api\/v1\/enrollment\/requests\?limit=100&requestedBy=.* answered with an unexpected body \(not a list of requests\): is the URL right and the API current\?$/m,
    ],
  ])('says so when it answers with %s (UNEXPECTED_RESPONSE, exit 1)', async (name, body, message) => {
    const home = files.path(name.replace(/\W/g, '-'));
    const { fetch } = fixedFetch((url) => (url.pathname === '/pki/ca.pem' ? { status: 404, body: '' } : { body }));
    expect((await cli(home, ['init', files.write(`${name}.json`, JSON.stringify(config))], { fetch })).code).toBe(0);
    const status = await cli(home, ['status', '--json'], { fetch });
    expect(status.code).toBe(1);
    expect(status.json()).toEqual({ error: expect.objectContaining({ code: 'UNEXPECTED_RESPONSE', exitCode: 1 }) });
    const text = await cli(home, ['status'], { fetch });
    expect(text.stderr).toMatch(message);
  });
});
