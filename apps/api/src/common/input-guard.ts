import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error';

/** Deeper than any body of the API (the device object is the deepest, at 2): refuse early. */
export const MAX_BODY_DEPTH = 16;

/** In a `u` regular expression a surrogate pair is one code point: this finds lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/**
 * Why a parsed JSON body cannot be taken: nested past MAX_BODY_DEPTH (validation recurses, and a
 * deep enough body would exhaust the stack), or text that is not well-formed Unicode (a lone
 * surrogate, which JSON can escape but PostgreSQL cannot store). Walks iteratively.
 */
export function bodyProblem(body: unknown): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') {
      if (!wellFormed(value)) {
        return 'The request body holds text that is not well-formed Unicode (a lone surrogate).';
      }
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_BODY_DEPTH) {
        return `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`;
      }
      for (const [key, child] of Object.entries(value)) {
        if (!wellFormed(key)) {
          return 'The request body holds a field name that is not well-formed Unicode (a lone surrogate).';
        }
        stack.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** Express middleware, after the JSON parser: a body that no route could take is a 400 before any route runs. */
export function inputGuard(request: Request, _response: Response, next: NextFunction): void {
  const problem = bodyProblem(request.body as unknown);
  next(problem === undefined ? undefined : new AppError('VALIDATION_FAILED', problem));
}

/** Whether the request carries a body (RFC 9112 6.3): a content type alone does not make one. */
const hasBody = (request: Request): boolean =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/**
 * Express middleware, before the JSON parser: a body on /api/v1 that is not JSON is refused with
 * 415. The parser would skip it and the route run with no body at all, which every route whose
 * fields are all optional (an approval's comment) would take; and text/plain or a form is what
 * another site can post without a CORS preflight. The protocol doors (SCEP, EST, OCSP) live
 * outside /api/v1 and keep their own media types.
 */
export function jsonOnly(request: Request, _response: Response, next: NextFunction): void {
  const refused = request.path.startsWith('/api/v1/') && hasBody(request) && !request.is('application/json');
  next(
    refused
      ? new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON (Content-Type: application/json).')
      : undefined,
  );
}

/**
 * API answers are not to be kept by browsers or proxies: several carry secrets (a session, a
 * package token, a PKCS #12) and the rest are a person's view of live data. Routes that may be
 * cached (the CRL, the CA certificates under /pki) are outside /api and set their own.
 */
export function noStore(request: Request, response: Response, next: NextFunction): void {
  if (request.path.startsWith('/api/v1/')) {
    response.setHeader('cache-control', 'no-store');
  }
  next();
}
