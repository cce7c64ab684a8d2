import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestView, Wire } from '@enroll/contract';
import { TOKEN } from './package-file';

/** A request as the client endpoints answer it. */
export type WireRequest = Wire<RequestView>;

/** One call the client made, for assertions on what it sent. */
export interface Call {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

/**
 * The client endpoints of docs/api.md answered from a list of requests, over real HTTP: what the
 * API would answer for the states set here, for tests of how the client acts on each answer. The
 * API itself, on its database, is tested in apps/api/test and with this client in e2e/.
 */
export interface ContractApi {
  readonly url: string;
  readonly requests: WireRequest[];
  readonly calls: Call[];
  /** The PEM (leaf then chain) served for `GET .../requests/:id/certificate`; installs are confirmed by `POST .../installed`. */
  readonly certificates: Map<number, string>;
  /** The answer to `POST ...?dryRun=true`, or a problem to refuse it with. */
  dryRun: { status: number; body: unknown };
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
  }
  return body;
};

export async function startContractApi(caChainPem: string): Promise<ContractApi> {
  const requests: WireRequest[] = [];
  const calls: Call[] = [];
  const certificates = new Map<number, string>();
  let nextId = 1000;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const url = new URL(request.url ?? '/', 'http://localhost');
      calls.push({ method: request.method ?? 'GET', url: url.pathname + url.search, body });
      const send = (status: number, value: unknown, type = 'application/json'): void => {
        response.writeHead(status, { 'content-type': type });
        response.end(typeof value === 'string' ? value : JSON.stringify(value));
      };
      if (url.pathname === '/pki/ca.pem') {
        send(200, caChainPem, 'application/x-pem-file');
        return;
      }
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        send(401, { status: 401, code: 'UNAUTHORIZED', title: 'Unauthorized' }, 'application/problem+json');
        return;
      }
      const one = /^\/api\/v1\/enrollment\/requests\/(\d+)$/.exec(url.pathname);
      const sub = /^\/api\/v1\/enrollment\/requests\/(\d+)\/(certificate|installed)$/.exec(url.pathname);
      const subject = sub ? requests.find((r) => r.id === Number(sub[1])) : undefined;
      if (sub && sub[2] === 'certificate' && request.method === 'GET' && certificates.has(Number(sub[1]))) {
        send(200, certificates.get(Number(sub[1])), 'application/x-pem-file');
        return;
      }
      if (sub && sub[2] === 'installed' && request.method === 'POST' && subject?.status === 'Approved') {
        requests[requests.indexOf(subject)] = { ...subject, status: 'Installed' };
        send(204, '');
        return;
      }
      if (url.pathname === '/api/v1/enrollment/requests' && request.method === 'GET') {
        const by = url.searchParams.get('requestedBy');
        const items = requests.filter((r) => by === null || r.requestedBy === by).sort((a, b) => b.id - a.id);
        send(200, { items, nextCursor: null });
      } else if (url.pathname === '/api/v1/enrollment/requests' && request.method === 'POST') {
        if (url.searchParams.get('dryRun') === 'true') {
          send(
            api.dryRun.status,
            api.dryRun.body,
            api.dryRun.status < 300 ? 'application/json' : 'application/problem+json',
          );
          return;
        }
        const submitted = JSON.parse(body) as { kind: WireRequest['kind']; requestedBy: string };
        const created: WireRequest = {
          id: nextId++,
          status: 'Pending',
          kind: submitted.kind,
          channel: 'client',
          commonName: 'from-the-csr',
          subject: 'CN=from-the-csr',
          organizationCode: 'J1CFRA',
          submittedAt: new Date().toISOString(),
          requestedBy: submitted.requestedBy,
          enrollmentType: 'Machine',
          downloadedAt: null,
          downloadedBy: null,
          rejectionReason: null,
          certificateSerial: null,
          renewalOf: null,
        };
        requests.push(created);
        send(201, created);
      } else if (one && request.method === 'GET') {
        const found = requests.find((r) => r.id === Number(one[1]));
        send(found ? 200 : 404, found ?? { status: 404, code: 'NOT_FOUND', title: 'Not Found' });
      } else {
        send(404, { status: 404, code: 'NOT_FOUND', title: 'Not Found' }, 'application/problem+json');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const api: ContractApi = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    calls,
    certificates,
    dryRun: { status: 500, body: { status: 500, title: 'no dry run answer set by the test' } },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return api;
}

/** A request of the requester in a given state, as the API lists it. */
export function wireRequest(
  id: number,
  status: WireRequest['status'],
  overrides: Partial<WireRequest> = {},
): WireRequest {
  return {
    id,
    status,
    kind: 'workstation',
    channel: 'client',
    commonName: '0123456789ABCDEF',
    subject: 'CN=0123456789ABCDEF,OU=Workstation,O=J1CFRA,C=FR',
    organizationCode: 'J1CFRA',
    submittedAt: '2026-11-02T09:30:00.000Z',
    requestedBy: 'WS-0042\\alice',
    enrollmentType: 'Machine',
    downloadedAt: null,
    downloadedBy: null,
    rejectionReason: null,
    certificateSerial: null,
    renewalOf: null,
    ...overrides,
  };
}
