import { createHash } from 'node:crypto';
import { PkiError } from './errors';
import { OID } from './oids';
import {
  node,
  tagOf,
  children,
  Class,
  encode,
  enumerated,
  explicit,
  generalizedTime,
  octets,
  oid,
  parseStrictDer,
  raw,
  readOid,
  seq,
  sha1,
  bitStringBytes,
  Type,
  valueBytes,
  bitString,
  implicitPrimitive,
  type Asn1,
} from './der';
import { signatureAlgorithmIdentifier } from './certificate-builder';
import { REVOCATION_REASONS, type RevocationReason } from './revocation-reason';
import { serialToHex } from './serial';
import type { CertificateParts } from './certificate';
import type { Signer } from './signer';

/** One CertID of a request (RFC 6960 4.1.1). */
export interface OcspCertId {
  readonly hashAlgorithm: string;
  readonly issuerNameHash: Buffer;
  readonly issuerKeyHash: Buffer;
  readonly serial: Buffer;
  readonly serialNumber: string;
  /** The CertID exactly as received, echoed in the response. */
  readonly der: Buffer;
}

export interface OcspRequest {
  readonly certIds: readonly OcspCertId[];
  /** The nonce extension's extnValue bytes, echoed as they came. */
  readonly nonce?: Buffer;
}

export type CertificateStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly revokedAt: Date; readonly reason: RevocationReason }
  | { readonly status: 'unknown' };

/** Most single requests answered in one OCSP request; more is a malformed request. */
export const MAX_OCSP_CERT_IDS = 20;
const MAX_NONCE_BYTES = 34; // RFC 8954: at most 32 octets, plus the OCTET STRING header.

/** Parses a DER OCSPRequest, refusing anything malformed with OCSP_REQUEST_MALFORMED. */
export function parseOcspRequest(der: Buffer): OcspRequest {
  const root = parseStrictDer(der, 'OCSP_REQUEST_MALFORMED', 'The OCSP request');
  const tbs = children(root)[0];
  if (!tbs || tbs.type !== Type.SEQUENCE) {
    throw new PkiError('OCSP_REQUEST_MALFORMED', 'The OCSP request has no TBSRequest.');
  }
  const list = children(tbs).find((n) => n.tagClass === Class.UNIVERSAL && n.type === Type.SEQUENCE);
  const requests = children(list);
  if (requests.length === 0 || requests.length > MAX_OCSP_CERT_IDS) {
    throw new PkiError(
      'OCSP_REQUEST_MALFORMED',
      `An OCSP request must ask about 1 to ${MAX_OCSP_CERT_IDS} certificates.`,
    );
  }
  const certIds = requests.map((request) => {
    const certId = children(request)[0];
    const [algorithm, nameHash, keyHash, serial] = children(certId);
    const hashAlgorithm = readOid(children(algorithm)[0]);
    if (!certId || !hashAlgorithm || !nameHash || !keyHash || !serial || serial.type !== Type.INTEGER) {
      throw new PkiError('OCSP_REQUEST_MALFORMED', 'An OCSP CertID is malformed.');
    }
    const serialBytes = valueBytes(serial);
    return {
      hashAlgorithm,
      issuerNameHash: valueBytes(nameHash),
      issuerKeyHash: valueBytes(keyHash),
      serial: serialBytes,
      serialNumber: serialToHex(serialBytes),
      der: encode(certId),
    };
  });
  const extensions = children(children(tbs).find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && tagOf(n) === 2));
  let nonce: Buffer | undefined;
  for (const extension of children(extensions[0])) {
    const parts = children(extension);
    if (readOid(parts[0]) === OID.ocspNonce) {
      const value = parts[parts.length - 1];
      nonce = value ? valueBytes(value) : undefined;
      if (!nonce || nonce.length === 0 || nonce.length > MAX_NONCE_BYTES) {
        throw new PkiError('OCSP_REQUEST_MALFORMED', 'The OCSP nonce must hold 1 to 32 octets.');
      }
    }
  }
  return nonce ? { certIds, nonce } : { certIds };
}

/** RFC 6960 OCSPResponseStatus values other than successful. */
export type OcspErrorStatus = 'malformedRequest' | 'internalError' | 'tryLater' | 'unauthorized';
const ERROR_STATUS: Readonly<Record<OcspErrorStatus, number>> = {
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  unauthorized: 6,
};

/** An unsigned OCSPResponse carrying only an error status. */
export const ocspErrorResponse = (status: OcspErrorStatus): Buffer => encode(seq([enumerated(ERROR_STATUS[status])]));

export interface OcspResponderOptions {
  /** The CA whose certificates this responder answers for. */
  readonly issuer: CertificateParts;
  /** The signing key: the issuing CA's own, or a delegated responder's. */
  readonly signer: Signer;
  /** A delegated responder's certificate (id-kp-OCSPSigning, issued by `issuer`), included in responses. */
  readonly responderCertificate?: CertificateParts;
  /** How long a response may be cached (nextUpdate - thisUpdate). Default 1 hour. */
  readonly validitySeconds?: number;
}

const HASHES: Readonly<Record<string, string>> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256' };

/**
 * An RFC 6960 responder for one CA: answers each CertID from the caller's status lookup, marks
 * CertIDs of other issuers unknown, echoes the nonce and signs the BasicOCSPResponse.
 */
export class OcspResponder {
  private readonly issuerHashes: ReadonlyMap<string, { name: Buffer; key: Buffer }>;
  private readonly responderId: Asn1;
  private readonly algorithm: Asn1;
  private readonly certs: Asn1 | undefined;
  private readonly validityMs: number;

  constructor(private readonly options: OcspResponderOptions) {
    const keyBits = bitStringBytes(children(raw(options.issuer.spki))[1] as Asn1);
    this.issuerHashes = new Map(
      Object.entries(HASHES).map(([hashOid, name]) => [
        hashOid,
        {
          name: createHash(name).update(options.issuer.subjectName).digest(),
          key: createHash(name).update(keyBits).digest(),
        },
      ]),
    );
    const responderSpki = options.responderCertificate?.spki ?? options.issuer.spki;
    // ResponderID byKey [2] EXPLICIT KeyHash: SHA-1 of the responder's public key bits.
    this.responderId = explicit(2, octets(sha1(bitStringBytes(children(raw(responderSpki))[1] as Asn1))));
    this.algorithm = signatureAlgorithmIdentifier(options.signer.algorithmOid);
    this.certs = options.responderCertificate ? explicit(0, seq([raw(options.responderCertificate.der)])) : undefined;
    this.validityMs = (options.validitySeconds ?? 3600) * 1000;
  }

  /** Whether a CertID names this responder's CA (by the hash algorithm it uses). */
  isOurs(certId: OcspCertId): boolean {
    const hashes = this.issuerHashes.get(certId.hashAlgorithm);
    return hashes !== undefined && hashes.name.equals(certId.issuerNameHash) && hashes.key.equals(certId.issuerKeyHash);
  }

  /** Answers a DER request. Never throws for bad input: a malformed request gets malformedRequest. */
  async respond(
    der: Buffer,
    lookup: (certIds: readonly OcspCertId[]) => Promise<readonly CertificateStatus[]>,
    now: Date,
  ): Promise<Buffer> {
    let request: OcspRequest;
    try {
      request = parseOcspRequest(der);
    } catch {
      return ocspErrorResponse('malformedRequest');
    }
    const ours = request.certIds.filter((id) => this.isOurs(id));
    const found = ours.length > 0 ? await lookup(ours) : [];
    const statuses = request.certIds.map((id): CertificateStatus => {
      const index = ours.indexOf(id);
      return index >= 0 ? (found[index] ?? { status: 'unknown' }) : { status: 'unknown' };
    });
    return this.sign(request, statuses, now);
  }

  /** Builds and signs the response for a parsed request and its statuses (same order). */
  async sign(request: OcspRequest, statuses: readonly CertificateStatus[], now: Date): Promise<Buffer> {
    const nextUpdate = new Date(now.getTime() + this.validityMs);
    const single = request.certIds.map((certId, i) =>
      seq([
        raw(certId.der),
        certStatus(statuses[i] ?? { status: 'unknown' }),
        generalizedTime(now),
        explicit(0, generalizedTime(nextUpdate)),
      ]),
    );
    const data: Asn1[] = [this.responderId, generalizedTime(now), seq(single)];
    if (request.nonce) {
      data.push(explicit(1, seq([seq([oid(OID.ocspNonce), octets(request.nonce)])])));
    }
    const tbsDer = encode(seq(data));
    const signature = await this.options.signer.sign(tbsDer);
    const basic = [raw(tbsDer), this.algorithm, bitString(signature)];
    if (this.certs) {
      basic.push(this.certs);
    }
    return encode(seq([enumerated(0), explicit(0, seq([oid(OID.ocspBasic), octets(encode(seq(basic)))]))]));
  }
}

function certStatus(status: CertificateStatus): Asn1 {
  switch (status.status) {
    case 'good':
      return implicitPrimitive(0, Buffer.alloc(0));
    case 'unknown':
      return implicitPrimitive(2, Buffer.alloc(0));
    case 'revoked': {
      const info: Asn1[] = [generalizedTime(status.revokedAt)];
      if (status.reason !== 'unspecified') {
        info.push(explicit(0, enumerated(REVOCATION_REASONS[status.reason])));
      }
      return node(Class.CONTEXT_SPECIFIC, 1, true, info);
    }
  }
}
