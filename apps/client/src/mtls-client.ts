import { request } from 'node:https';
import { describeNetworkFailure, errorField, errorMessage } from './errors';

/** The device's credentials for the certificate-authenticated port, and the only CAs it trusts there. */
export interface MtlsCredentials {
  /** The device certificate, PEM (leaf, optionally followed by its chain). */
  readonly cert: string;
  readonly key: string;
  /** The CA chain fetched from urls.caChain: the system store is deliberately not used. */
  readonly ca: string;
}

export interface MtlsResponse {
  readonly status: number;
  readonly body: string;
}

/** Why a call to the mTLS port failed before any HTTP answer. */
export type TlsFailureKind = 'revoked' | 'expired' | 'unknown-issuer' | 'refused' | 'server-untrusted' | 'unreachable';

export interface TlsFailure {
  readonly kind: TlsFailureKind;
  readonly reason: string;
}

/** Raised by mtlsRequest; `handshakeDone` tells a refusal after the handshake from a dead port. */
export class MtlsTransportError extends Error {
  override readonly name = 'MtlsTransportError';

  constructor(
    readonly original: unknown,
    readonly handshakeDone: boolean,
  ) {
    super(errorMessage(original));
  }
}

/** One HTTPS call with a client certificate. Rejects with MtlsTransportError; HTTP errors resolve. */
export function mtlsRequest(
  url: string,
  method: 'GET' | 'POST',
  credentials: MtlsCredentials,
  body: unknown,
  timeoutMs: number,
): Promise<MtlsResponse> {
  return new Promise((resolve, reject) => {
    let handshakeDone = false;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        cert: credentials.cert,
        key: credentials.key,
        ca: credentials.ca,
        rejectUnauthorized: true,
        // A fresh connection each time: a pooled socket would skip the handshake under test.
        agent: false,
        headers: {
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (error) => {
          reject(new MtlsTransportError(error, true));
        });
      },
    );
    req.on('socket', (socket) => {
      socket.once('secureConnect', () => {
        handshakeDone = true;
      });
    });
    req.setTimeout(timeoutMs, () => {
      const error = new Error('timed out');
      error.name = 'TimeoutError';
      req.destroy(error);
    });
    req.on('error', (error) => {
      reject(new MtlsTransportError(error, handshakeDone));
    });
    req.end(payload);
  });
}

const codeOf = (error: unknown): string => {
  const code = errorField(error, 'code');
  return typeof code === 'string' ? code : '';
};

// Our own check of the service's certificate against ca.pem (node's X509_V_ERR names).
const SERVER_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/**
 * Explains a failed mTLS call. TLS alerts from the server name the check that failed on its side
 * (RFC 8446 6.2: certificate_revoked, certificate_expired, unknown_ca); a reset right after the
 * handshake is how a TLS 1.3 server refuses a client certificate it did not like.
 */
export function classifyTlsFailure(error: MtlsTransportError, url: string, timeoutMs: number): TlsFailure {
  const code = codeOf(error.original);
  const message = error.message;
  if (/CERTIFICATE_REVOKED/i.test(code) || /certificate revoked/i.test(message)) {
    return { kind: 'revoked', reason: `The service refused the certificate: it is revoked (TLS alert from ${url}).` };
  }
  if (/CERTIFICATE_EXPIRED/i.test(code) || /alert certificate expired/i.test(message)) {
    return { kind: 'expired', reason: `The service refused the certificate: it has expired (TLS alert from ${url}).` };
  }
  if (/UNKNOWN_CA/i.test(code) || /unknown ca/i.test(message)) {
    return {
      kind: 'unknown-issuer',
      reason: `The service does not know the issuer of the certificate (TLS alert from ${url}).`,
    };
  }
  if (SERVER_CERT_CODES.has(code)) {
    return {
      kind: 'server-untrusted',
      reason: `The test service's own certificate is not trusted by the CA chain in the client folder (${code}: ${message}) at ${url}.`,
    };
  }
  if (
    /ALERT/i.test(code) ||
    /alert/i.test(message) ||
    (error.handshakeDone && (code === 'ECONNRESET' || code === 'EPIPE'))
  ) {
    return {
      kind: 'refused',
      reason: `The service refused the certificate during the TLS handshake at ${url} (${code || message}).`,
    };
  }
  return { kind: 'unreachable', reason: `Cannot reach ${url}: ${describeNetworkFailure(error.original, timeoutMs)}.` };
}
