import type { RequestKind } from '@enroll/domain';
import type { ClientConfig } from './client-config';
import { ApiError, describeNetworkFailure, NetworkError, OperationError } from './errors';
import { readPage, readPreview, readProblem, readRequest, type RequestSummary } from './api-model';
import type { DeviceInfo } from './fingerprint';
import { checkChainAnchor } from './config-store';
import type { FetchFunction, FetchInit } from './http-fetch';

export type { FetchFunction } from './http-fetch';

/** The body of `POST /api/v1/enrollment/requests`. */
export interface SubmitBody {
  readonly kind: RequestKind;
  readonly csr: string;
  readonly requestedBy: string;
  readonly phone: string;
  readonly description: string;
  readonly device: DeviceInfo;
}

const isHttps = (url: string): boolean => url.startsWith('https:');

/** Lists are followed page by page; this bounds a runaway cursor loop. */
const MAX_PAGES = 1000;
const PAGE_SIZE = 100;

/**
 * The client endpoints of the public API over plain HTTP(S), with the package token. Every
 * transport failure becomes a NetworkError naming the URL; every refusal an ApiError carrying
 * the problem's code.
 */
export class ApiClient {
  private anchorsPromise: Promise<string> | undefined;

  /**
   * `anchors`: the package's CA chain (fetched, checked and saved first when missing), the only
   * trust of https calls to the service's TLS port, as for the mutual-TLS calls. Any other https
   * address (a proxy's) is checked against the system's trust store.
   */
  constructor(
    private readonly config: ClientConfig,
    private readonly fetchFunction: FetchFunction,
    private readonly timeoutMs: number,
    private readonly anchors?: () => Promise<string>,
  ) {}

  async submit(body: SubmitBody): Promise<RequestSummary> {
    const url = this.config.urls.request;
    return readRequest(await this.json('POST', url, body), url);
  }

  /** A dry run of submit(): what would be created, nothing stored (older APIs: see readPreview). */
  async preview(body: SubmitBody): Promise<ReturnType<typeof readPreview>> {
    const url = new URL(this.config.urls.request);
    url.searchParams.set('dryRun', 'true');
    return readPreview(await this.json('POST', url.toString(), body), url.toString());
  }

  /** Every request of the package (narrowed to one requester when given), newest first. */
  async listRequests(requestedBy?: string): Promise<RequestSummary[]> {
    const items: RequestSummary[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = new URL(this.config.urls.request);
      url.searchParams.set('limit', String(PAGE_SIZE));
      if (requestedBy !== undefined) {
        url.searchParams.set('requestedBy', requestedBy);
      }
      if (cursor !== null) {
        url.searchParams.set('cursor', cursor);
      }
      const result = readPage(await this.json('GET', url.toString()), url.toString());
      items.push(...result.items);
      if (result.nextCursor === null || result.nextCursor === cursor) {
        return items;
      }
      cursor = result.nextCursor;
    }
    return items;
  }

  async getRequest(id: number): Promise<RequestSummary> {
    const url = this.requestUrl(id);
    return readRequest(await this.json('GET', url), url);
  }

  /** The certificate, PEM, leaf then chain. For an external request the first call marks it Downloaded. */
  async downloadCertificate(id: number, downloadedBy: string): Promise<string> {
    const url = new URL(`${this.requestUrl(id)}/certificate`);
    url.searchParams.set('format', 'pem');
    url.searchParams.set('downloadedBy', downloadedBy);
    return this.text('GET', url.toString());
  }

  async confirmInstalled(id: number): Promise<void> {
    await this.text('POST', `${this.requestUrl(id)}/installed`);
  }

  /**
   * The CA chain (issuing CA then root), PEM. Public: sent without the token. Over https with a
   * root fingerprint in the package, the server's certificate cannot be checked yet (the chain is
   * what would check it): the answer is checked against the fingerprint instead, as
   * `step ca bootstrap --fingerprint` does, and refused unless it is the package's chain.
   */
  async fetchCaChain(): Promise<string> {
    const url = this.config.urls.caChain;
    const fingerprint = this.config.caFingerprint;
    if (isHttps(url) && fingerprint !== undefined) {
      const pem = await this.text('GET', url, undefined, false, { insecure: true });
      checkChainAnchor(pem, url, fingerprint);
      return pem;
    }
    // Without a fingerprint (older package files) only the system's trust store can vouch for it.
    return this.text('GET', url, undefined, false, {});
  }

  private requestUrl(id: number): string {
    return `${this.config.urls.request.replace(/\/+$/, '')}/${id}`;
  }

  /** How an https URL is checked: the TLS port's by the package's CA chain, any other by the system. */
  private async tlsFor(url: string): Promise<FetchInit['tls']> {
    if (!isHttps(url) || this.anchors === undefined || new URL(url).origin !== new URL(this.config.urls.test).origin) {
      return undefined;
    }
    this.anchorsPromise ??= this.anchors();
    return { ca: await this.anchorsPromise };
  }

  private async json(method: 'GET' | 'POST', url: string, body?: unknown): Promise<unknown> {
    const text = await this.text(method, url, body);
    try {
      return JSON.parse(text);
    } catch {
      throw new OperationError(
        'UNEXPECTED_RESPONSE',
        `The service at ${url} did not answer with JSON: is the URL right?`,
      );
    }
  }

  private async text(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    authenticated = true,
    tls?: FetchInit['tls'],
  ): Promise<string> {
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json, application/x-pem-file, */*',
    };
    if (authenticated) {
      headers.authorization = `Bearer ${this.config.token}`;
    }
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    tls ??= await this.tlsFor(url);
    try {
      const response = await this.fetchFunction(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
        ...(tls === undefined ? {} : { tls }),
      });
      const text = await response.text();
      if (!response.ok) {
        throw new ApiError(url, readProblem(response.status, response.statusText, text));
      }
      return text;
    } catch (error) {
      if (error instanceof ApiError) {
        throw error;
      }
      throw new NetworkError(url, describeNetworkFailure(error, this.timeoutMs));
    }
  }
}
