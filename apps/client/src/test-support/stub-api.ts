import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { checkRequestedUsages, isPkiError, nameValue, OID, parseCsr, PROFILES, type CertificateAuthority, type ParsedCsr } from '@enroll/pki';
import type { ClientConfig, RequestKind } from '../client-config';
import { issueFor, makeTestCa, tlsServerCredentials } from './test-ca';

export interface StubRequest {
  id: number;
  kind: RequestKind;
  status: string;
  commonName: string;
  submittedAt: string;
  requestedBy: string;
  downloadedAt: string | null;
  downloadedBy: string | null;
  enrollmentType: 'Machine' | 'User' | 'External';
  body: Record<string, unknown>;
  csr: ParsedCsr;
  reason?: string;
  certificatePem?: string;
  serialNumber?: string;
}

export const TOKEN = 'enr_test_token_0123456789abcdef';

/**
 * A small server that speaks the client endpoints of API.md, with a real CA from the CA library
 * and a real mutual-TLS port. Tests drive approvals and revocations through its methods.
 */
export class StubApi {
  readonly requests: StubRequest[] = [];
  readonly calls: string[] = [];
  readonly revokedSerials = new Map<string, string>();
  /** Page size of the list endpoint: small, so that the client's cursor loop is exercised. */
  pageSize = 2;
  private http?: Server;
  private mtls?: Server;

  private constructor(readonly ca: CertificateAuthority) {}

  static async start(): Promise<StubApi> {
    const stub = new StubApi(await makeTestCa());
    stub.http = createServer((req, res) => void stub.handle(req, res));
    const tls = await tlsServerCredentials(stub.ca);
    stub.mtls = createTlsServer({ ...tls, ca: stub.ca.chainPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      stub.handleMtls(req, res);
    });
    await Promise.all([stub.http, stub.mtls].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
    return stub;
  }

  private port = (server: Server | undefined): number => (server?.address() as AddressInfo).port;

  config(overrides: Partial<ClientConfig> = {}): ClientConfig {
    const api = `http://127.0.0.1:${this.port(this.http)}`;
    const mtls = `https://127.0.0.1:${this.port(this.mtls)}`;
    return {
      format: 'enroll-client-config/1',
      packageId: '3f1c2a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f',
      organization: { code: 'J1CFRA', name: 'France-LA POSTE', country: 'FR' },
      environment: 'Production',
      store: 'machine',
      kinds: ['workstation', 'server', 'mobile', 'external'],
      urls: { api, request: `${api}/api/v1/enrollment/requests`, revoke: `${mtls}/api/v1/enrollment/revoke`, test: `${mtls}/api/v1/enrollment/test`, caChain: `${api}/pki/ca.pem` },
      token: TOKEN,
      ...overrides,
    };
  }

  async stop(): Promise<void> {
    for (const server of [this.http, this.mtls]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  }

  find(id: number): StubRequest {
    const request = this.requests.find((r) => r.id === id);
    if (!request) {
      throw new Error(`no request ${id}`);
    }
    return request;
  }

  /** Approval signs the certificate, as the API does; `key` lets a test issue one for a wrong key. */
  async approve(id: number, key?: KeyObject): Promise<void> {
    const request = this.find(id);
    const subject = (oid: string): string | undefined => nameValue(request.csr.subject, oid);
    const input = { commonName: request.commonName, organizationCode: 'J1CFRA', country: subject(OID.countryName), state: subject(OID.stateOrProvinceName), locality: subject(OID.localityName), email: subject(OID.emailAddress) };
    const issued = await issueFor(this.ca, request.kind, key ?? request.csr.key, input);
    Object.assign(request, { status: 'Approved', certificatePem: issued.pem + this.ca.chainPem, serialNumber: issued.serialNumber });
  }

  reject(id: number, reason: string): void {
    Object.assign(this.find(id), { status: 'Rejected', reason });
  }

  private send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  private problem(res: ServerResponse, status: number, code: string, detail: string): void {
    this.send(res, status, { type: 'about:blank', title: code, status, detail, code }, 'application/problem+json');
  }

  private view = (r: StubRequest, detail = false): Record<string, unknown> => ({
    id: r.id, kind: r.kind, status: r.status, commonName: r.commonName, submittedAt: r.submittedAt, requestedBy: r.requestedBy,
    downloadedAt: r.downloadedAt, downloadedBy: r.downloadedBy, enrollmentType: r.enrollmentType,
    ...(r.status === 'Rejected' ? { rejectionReason: r.reason } : {}),
    // Like an API that keeps other reasons in the history only: the client must look them up.
    ...(detail && r.status === 'Cancelled' ? { history: [{ status: 'Pending' }, { status: 'Cancelled', reason: r.reason }] } : {}),
  });

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stub');
    this.calls.push(`${req.method ?? ''} ${url.pathname}${url.search}`);
    if (url.pathname === '/pki/ca.pem') {
      this.send(res, 200, this.ca.chainPem, 'application/x-pem-file');
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      this.problem(res, 401, 'UNAUTHORIZED', 'The package token is missing or wrong.');
      return;
    }
    const match = /^\/api\/v1\/enrollment\/requests(?:\/(\d+))?(\/certificate|\/installed)?$/.exec(url.pathname);
    if (!match) {
      this.problem(res, 404, 'NOT_FOUND', 'No such route.');
      return;
    }
    const id = match[1] === undefined ? undefined : Number(match[1]);
    const request = id === undefined ? undefined : this.requests.find((r) => r.id === id);
    if (id !== undefined && !request) {
      this.problem(res, 404, 'NOT_FOUND', `Request ${id} does not exist.`);
      return;
    }
    if (req.method === 'POST' && id === undefined) {
      this.submit(JSON.parse(await readBody(req)) as Record<string, unknown>, res);
    } else if (req.method === 'GET' && id === undefined) {
      const requester = url.searchParams.get('requestedBy');
      const all = this.requests.filter((r) => requester === null || r.requestedBy === requester).sort((a, b) => b.id - a.id);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const items = all.slice(start, start + this.pageSize);
      this.send(res, 200, { items: items.map((r) => this.view(r)), nextCursor: start + this.pageSize < all.length ? String(start + this.pageSize) : null });
    } else if (request && match[2] === '/certificate') {
      if (!request.certificatePem || !['Approved', 'Installed', 'Downloaded'].includes(request.status)) {
        this.problem(res, 409, 'INVALID_TRANSITION', `The request is ${request.status}.`);
        return;
      }
      if (request.kind === 'external' && request.status === 'Approved') {
        Object.assign(request, { status: 'Downloaded', downloadedAt: new Date().toISOString(), downloadedBy: url.searchParams.get('downloadedBy') });
      }
      this.send(res, 200, request.certificatePem, 'application/x-pem-file');
    } else if (request && match[2] === '/installed' && req.method === 'POST') {
      if (request.status !== 'Approved' || request.kind === 'external') {
        this.problem(res, 409, 'INVALID_TRANSITION', `The request is ${request.status}.`);
        return;
      }
      request.status = 'Installed';
      this.send(res, 200, this.view(request));
    } else if (request) {
      this.send(res, 200, this.view(request, true));
    } else {
      this.problem(res, 405, 'METHOD_NOT_ALLOWED', 'No.');
    }
  }

  private submit(body: Record<string, unknown>, res: ServerResponse): void {
    const kind = body.kind as RequestKind;
    let csr: ParsedCsr;
    try {
      csr = parseCsr(String(body.csr));
      if (kind === 'external') {
        checkRequestedUsages(PROFILES.external, csr);
      }
    } catch (error) {
      this.problem(res, isPkiError(error) ? 422 : 400, isPkiError(error) ? error.code : 'BAD_REQUEST', error instanceof Error ? error.message : 'bad');
      return;
    }
    const commonName = nameValue(csr.subject, OID.commonName) ?? '';
    const id = this.requests.length + 1;
    for (const older of this.requests.filter((r) => r.kind === kind && r.commonName === commonName && ['Requested', 'Pending'].includes(r.status))) {
      Object.assign(older, { status: 'Cancelled', reason: `Superseded by request ${id}.` });
    }
    const request: StubRequest = {
      id, kind, status: 'Pending', commonName, submittedAt: new Date().toISOString(), requestedBy: String(body.requestedBy),
      downloadedAt: null, downloadedBy: null, enrollmentType: kind === 'external' ? 'External' : 'Machine', body, csr,
    };
    this.requests.push(request);
    this.send(res, 201, this.view(request));
  }

  private handleMtls(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    this.calls.push(`mTLS ${req.method ?? ''} ${req.url ?? ''}`);
    if (Object.keys(peer).length === 0) {
      this.problem(res, 401, 'CERTIFICATE_REQUIRED', 'No client certificate was presented.');
    } else if (!socket.authorized) {
      const expired = String(socket.authorizationError) === 'CERT_HAS_EXPIRED';
      this.problem(res, 403, expired ? 'CERTIFICATE_EXPIRED' : 'UNKNOWN_ISSUER', expired ? 'The certificate has expired.' : 'The certificate is not issued by this CA.');
    } else if (this.revokedSerials.has(peer.serialNumber.toUpperCase())) {
      this.problem(res, 403, 'CERTIFICATE_REVOKED', 'The certificate is revoked.');
    } else if (req.url === '/api/v1/enrollment/revoke' && req.method === 'POST') {
      void readBody(req).then((body) => {
        this.revokedSerials.set(peer.serialNumber.toUpperCase(), String((JSON.parse(body) as { reason?: unknown }).reason));
        this.send(res, 200, { serialNumber: peer.serialNumber, status: 'Revoked' });
      });
    } else {
      this.send(res, 200, { message: 'Connection to test connection service successful.', subject: peer.subject.CN, serialNumber: peer.serialNumber, notAfter: peer.valid_to });
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
