import { randomBytes } from 'node:crypto';
import type { Asn1 } from '../der';
import { children, octets } from '../der';
import { certificatesToPkcs7 } from '../export';
import { OID } from '../oids';
import {
  cmsError,
  expectOid,
  expectSequence,
  expectSet,
  octetBytes,
  parseBer,
  printable,
  stringValue,
  type FailInfo,
} from './asn1';
import {
  decryptEnvelopedData,
  encryptEnvelopedData,
  type ContentCipher,
  type EnvelopeRecipient,
} from './enveloped-data';
import { attribute, buildSignedData, parseSignedData, type CmsSigner, type DigestName } from './signed-data';

/** RFC 8894 3.2.1: the SCEP signed attributes. */
export const SCEP_OID = {
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionID: '2.16.840.1.113733.1.9.7',
} as const;

/** RFC 8894 3.2.1.2 message types. */
export const SCEP_MESSAGE_TYPES = {
  CertRep: 3,
  RenewalReq: 17,
  PKCSReq: 19,
  CertPoll: 20,
  GetCert: 21,
  GetCRL: 22,
} as const;
export type ScepMessageType = keyof typeof SCEP_MESSAGE_TYPES;

const FAIL_INFO: Readonly<Record<FailInfo, number>> = {
  badAlg: 0,
  badMessageCheck: 1,
  badRequest: 2,
  badTime: 3,
  badCertId: 4,
};
const STATUS = { SUCCESS: 0, FAILURE: 2, PENDING: 3 } as const;
export type ScepStatus = keyof typeof STATUS;

/** What the server learns from a pkiMessage before deciding anything. */
export interface ScepRequest {
  readonly messageType: ScepMessageType;
  readonly transactionId: string;
  readonly senderNonce: Buffer;
  /** The certificate that signed (self-signed for a PKCSReq, the current one for a RenewalReq). */
  readonly signerCertificate: Buffer;
  readonly digest: DigestName;
  readonly cipher: ContentCipher;
  /** PKCSReq, RenewalReq: the DER CSR. */
  readonly csr?: Buffer;
  /** CertPoll (GetCertInitial): the IssuerAndSubject it names. */
  readonly pollSubject?: Buffer;
}

/** The part of a pkiMessage read before the signature check: enough to answer a FAILURE to it. */
export interface ScepEnvelopeInfo {
  readonly transactionId: string;
  readonly senderNonce: Buffer;
  readonly digest: DigestName;
}

const typeByNumber = new Map<number, ScepMessageType>(
  Object.entries(SCEP_MESSAGE_TYPES).map(([name, n]) => [n, name as ScepMessageType]),
);

function requiredString(attributes: Parameters<typeof attribute>[0], type: string, what: string): string {
  const value = attribute(attributes, type);
  if (!value) {
    throw cmsError(`The pkiMessage has no ${what} attribute.`);
  }
  return stringValue(value, what);
}

/**
 * Reads and checks a SCEP pkiMessage (RFC 8894 3): a SignedData whose signature verifies with the
 * certificate it carries, the SCEP attributes, and the pkcsPKIEnvelope decrypted with the
 * server's key. Every failure is a CmsError with the failInfo the answer should carry.
 */
export function parseScepRequest(bytes: Uint8Array, recipient: EnvelopeRecipient): ScepRequest {
  const signed = parseSignedData(bytes);
  const { attributes } = signed.signer;
  const transactionId = requiredString(attributes, SCEP_OID.transactionID, 'transactionID');
  const numberText = requiredString(attributes, SCEP_OID.messageType, 'messageType');
  const messageType = /^[0-9]{1,3}$/.test(numberText) ? typeByNumber.get(Number(numberText)) : undefined;
  const nonce = attribute(attributes, SCEP_OID.senderNonce);
  const senderNonce = nonce ? octetBytes(nonce, 'senderNonce') : Buffer.alloc(0);
  if (!messageType || messageType === 'CertRep') {
    throw cmsError(`Unsupported SCEP messageType ${JSON.stringify(numberText)}.`, 'badRequest');
  }
  if (senderNonce.length === 0 || transactionId.length === 0 || transactionId.length > 256) {
    throw cmsError('The pkiMessage needs a senderNonce and a transactionID of 1 to 256 characters.');
  }
  const base = {
    messageType,
    transactionId,
    senderNonce,
    signerCertificate: signed.signer.certificate,
    digest: signed.signer.digest,
  };
  if (messageType === 'GetCert' || messageType === 'GetCRL') {
    return { ...base, cipher: 'aes-256-cbc' };
  }
  const envelope = decryptEnvelopedData(signed.content, recipient);
  if (messageType === 'CertPoll') {
    const [issuer, subject] = expectSequence(parseBer(envelope.content, 'IssuerAndSubject'), 'IssuerAndSubject');
    if (!issuer || !subject) {
      throw cmsError('IssuerAndSubject is incomplete.');
    }
    return { ...base, cipher: envelope.cipher, pollSubject: envelope.content };
  }
  return { ...base, cipher: envelope.cipher, csr: envelope.content };
}

/** The SCEP attributes of a message that failed before its signature was checked (to answer it at all). */
export function peekScepRequest(bytes: Uint8Array): ScepEnvelopeInfo | undefined {
  try {
    const outer = expectSequence(parseBer(bytes, 'The message'), 'ContentInfo');
    const signedData = expectSequence(children(outer[1])[0], 'SignedData');
    const signerInfo = expectSequence(expectSet(signedData[signedData.length - 1], 'SignerInfos')[0], 'SignerInfo');
    const attrs = children(signerInfo[3]).map((a) => {
      const [type, values] = children(a);
      return { type: expectOid(type, 'attribute'), values: children(values) };
    });
    const tid = attribute(attrs, SCEP_OID.transactionID);
    const nonce = attribute(attrs, SCEP_OID.senderNonce);
    if (!tid || !nonce) {
      return undefined;
    }
    return {
      transactionId: stringValue(tid, 'transactionID'),
      senderNonce: octetBytes(nonce, 'senderNonce'),
      digest: 'sha256',
    };
  } catch {
    return undefined;
  }
}

export interface CertRepInput {
  readonly request: ScepEnvelopeInfo & { readonly signerCertificate?: Buffer; readonly cipher?: ContentCipher };
  readonly status: ScepStatus;
  readonly failInfo?: FailInfo;
  /** SUCCESS: the issued certificate (first) and any chain, encrypted to the requester's certificate. */
  readonly certificates?: readonly Buffer[];
  /** The RA (or CA) that signs; its certificate travels in the answer. */
  readonly signer: CmsSigner;
}

/**
 * A CertRep (RFC 8894 3.3.2): SignedData over the pkcsPKIEnvelope (SUCCESS) or over an empty
 * content (PENDING, FAILURE), signed with the request's digest when it is SHA-2, else SHA-256,
 * with the attributes in DER order, and the recipientNonce echoing the sender's.
 */
export async function buildCertRep(input: CertRepInput): Promise<Buffer> {
  const { request, status } = input;
  let content: Buffer = Buffer.alloc(0);
  if (status === 'SUCCESS') {
    if (!input.certificates?.length || !request.signerCertificate) {
      throw new Error("A SUCCESS CertRep needs the certificate and the requester's certificate.");
    }
    content = encryptEnvelopedData(
      certificatesToPkcs7(input.certificates),
      request.signerCertificate,
      request.cipher ?? 'aes-256-cbc',
    );
  }
  const attributes: { type: string; value: Asn1 }[] = [
    { type: SCEP_OID.messageType, value: printable(String(SCEP_MESSAGE_TYPES.CertRep)) },
    { type: SCEP_OID.pkiStatus, value: printable(String(STATUS[status])) },
    { type: SCEP_OID.transactionID, value: printable(request.transactionId) },
    { type: SCEP_OID.senderNonce, value: octets(randomBytes(16)) },
    { type: SCEP_OID.recipientNonce, value: octets(request.senderNonce) },
  ];
  if (status === 'FAILURE') {
    attributes.push({ type: SCEP_OID.failInfo, value: printable(String(FAIL_INFO[input.failInfo ?? 'badRequest'])) });
  }
  return buildSignedData({
    content,
    certificates: [input.signer.certificate],
    signer: input.signer,
    digest: request.digest === 'sha1' ? 'sha256' : request.digest,
    attributes,
  });
}

/** The challengePassword attribute of a CSR (RFC 2985 5.4.1), which the CA library's CSR reader ignores. */
export function challengePasswordOf(csr: Uint8Array): string | undefined {
  try {
    const info = children(parseBer(csr, 'The CSR'))[0];
    const attributes = children(info)[3];
    for (const a of children(attributes)) {
      const [type, values] = children(a);
      if (type && expectOid(type, 'attribute') === OID.challengePassword) {
        const value = children(values)[0];
        return value ? stringValue(value, 'challengePassword') : undefined;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** GetCACaps (RFC 8894 3.5.2): AES and SHA-256 first; POST; renewal. */
export const SCEP_CAPABILITIES = ['AES', 'POSTPKIOperation', 'Renewal', 'SHA-256', 'SHA-512', 'SCEPStandard'] as const;
