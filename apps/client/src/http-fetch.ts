import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The part of fetch() the client uses. */
export interface FetchInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** Redirects are never followed: a 3xx comes back as a refusal. */
  readonly redirect?: 'error';
  /**
   * For https: the CAs to trust instead of Node's bundled ones (PEM), or `insecure` for the one
   * call whose answer is checked otherwise (the CA chain, against the package's root fingerprint).
   */
  readonly tls?: { readonly ca?: string; readonly insecure?: boolean };
}

export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  text(): Promise<string>;
}

export type FetchFunction = (url: string, init?: FetchInit) => Promise<FetchResponse>;

/**
 * fetch() over node:http(s). Node's global fetch loads undici on first use, 70 ms of a command
 * whose whole budget is half a second (bench:client); this does the little the client needs.
 */
export const httpFetch: FetchFunction = (url, init = {}) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = {
      ...init.headers,
      ...(init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) }),
    };
    const request = send(
      target,
      {
        method: init.method ?? 'GET',
        headers,
        ...(init.signal ? { signal: init.signal } : {}),
        ...(init.tls?.ca === undefined ? {} : { ca: init.tls.ca }),
        ...(init.tls?.insecure === true ? { rejectUnauthorized: false } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            ok: status >= 200 && status < 300,
            status,
            statusText: response.statusMessage ?? '',
            text: () => Promise.resolve(body),
          });
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
