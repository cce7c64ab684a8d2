import type { NextFunction, Request, Response } from 'express';
import { ocspErrorResponse } from '@enroll/pki';
import type { OcspService } from './ocsp.service';

/** Largest OCSP request read: 20 CertIDs and a nonce fit in well under 4 KiB. */
const MAX_REQUEST = 16 * 1024;

const send = (response: Response, der: Buffer): void => {
  // Statuses are read from the database per request; caches must not hide a revocation.
  response.status(200).type('application/ocsp-response').set('Cache-Control', 'no-store').send(der);
};

function decodeGet(path: string): Buffer {
  const encoded = decodeURIComponent(path.replace(/^\//, ''));
  return /^[A-Za-z0-9+/=_-]{1,5500}$/.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
}

/**
 * The public OCSP endpoint (RFC 6960: POST /pki/ocsp, GET /pki/ocsp/{base64}) as plain Express
 * middleware mounted before Nest's router. It is a fixed-shape protocol endpoint, public by
 * design, answering malformed input with malformedRequest rather than problem+json; skipping
 * Nest's guard, pipes and per-request logger context made it several times faster (bench:revocation).
 */
export function ocspMiddleware(ocsp: OcspService): (request: Request, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    let der: Buffer | undefined;
    if (request.method === 'POST' && request.path === '/') {
      const body: unknown = request.body;
      der = Buffer.isBuffer(body) && body.length <= MAX_REQUEST ? body : Buffer.alloc(0);
    } else if (request.method === 'GET' && request.path.length > 1) {
      der = decodeGet(request.path);
    }
    if (der === undefined) {
      next();
      return;
    }
    if (der.length === 0) {
      send(response, ocspErrorResponse('malformedRequest'));
      return;
    }
    ocsp.respond(der).then((answer) => send(response, answer), (error: unknown) => next(error));
  };
}
