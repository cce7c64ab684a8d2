import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A secret token with a readable prefix (`enr_` package, `ens_` session): 256 bits from the CSPRNG. */
export const newToken = (prefix: 'enr' | 'ens'): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** Tokens are stored as SHA-256 only: a database leak does not hand out credentials. */
export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The bearer token of a request, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
