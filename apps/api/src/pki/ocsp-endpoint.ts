import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ocspErrorResponse } from '@enroll/pki';
import type { OcspService } from './ocsp.service';

/** Largest OCSP request read: 20 CertIDs and a nonce fit in well under 4 KiB. */
const MAX_REQUEST = 16 * 1024;
const PREFIX = '/pki/ocsp';

function send(response: ServerResponse, der: Buffer): void {
  // Statuses are read from the database per request; caches must not hide a revocation.
  response.writeHead(200, {
    'Content-Type': 'application/ocsp-response',
    'Content-Length': der.length,
    'Cache-Control': 'no-store',
  });
  response.end(der);
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST) {
        resolve(undefined);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', () => resolve(undefined));
  });
}

function decodeGet(path: string): Buffer | undefined {
  try {
    const encoded = decodeURIComponent(path);
    return /^[A-Za-z0-9+/=_-]{1,5500}$/.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
  } catch {
    return undefined;
  }
}

async function answer(ocsp: OcspService, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? '';
  const der =
    request.method === 'POST' ? await readBody(request) : decodeGet(url.slice(PREFIX.length + 1).split('?')[0] ?? '');
  send(response, der && der.length > 0 ? await ocsp.respond(der) : ocspErrorResponse('malformedRequest'));
}

/**
 * The public OCSP endpoint (RFC 6960: POST /pki/ocsp, GET /pki/ocsp/{base64}) on the HTTP
 * server itself, ahead of Express. It is a binary protocol endpoint, public by design: no
 * cookies, browser headers or JSON apply, and skipping Express's stack for it roughly doubled
 * its throughput on these machines (bench:revocation). Malformed input gets malformedRequest.
 */
export function serveOcspFirst(server: Server, ocsp: OcspService): void {
  const others = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    const isOcsp =
      (url === PREFIX && request.method === 'POST') ||
      (url.startsWith(`${PREFIX}/`) && (request.method === 'GET' || request.method === 'POST'));
    if (!isOcsp) {
      others.forEach((listener) => listener(request, response));
      return;
    }
    answer(ocsp, request, response).catch(() => {
      if (!response.headersSent) {
        send(response, ocspErrorResponse('internalError'));
      }
    });
  });
}
