import { createHash, createPublicKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import {
  type Asn1,
  Class,
  Type,
  asn1,
  children,
  encode,
  explicit,
  node,
  nullValue,
  octets,
  oid,
  seq,
  set,
  smallInteger,
  raw,
  toBinary,
  valueBytes,
} from '../der';
import { OID } from '../oids';
import {
  cmsError,
  der,
  expectOid,
  expectSequence,
  expectSet,
  isContext,
  issuerAndSerialOf,
  namesCertificate,
  octetBytes,
  parseBer,
} from './asn1';

/** RFC 5652 content types and the attributes every SignerInfo carries. */
export const CMS_OID = {
  data: OID.data,
  signedData: OID.signedData,
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

export type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const DIGESTS: Readonly<Record<string, DigestName>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
export const DIGEST_OID: Readonly<Record<DigestName, string>> = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

/** Signature algorithms a SignerInfo may name: rsaEncryption (the digest then says the hash) or a combined one. */
const SIGNATURES: Readonly<Record<string, DigestName | 'digest'>> = {
  '1.2.840.113549.1.1.1': 'digest',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** One signed attribute: its type and its values, as parsed nodes. */
export interface CmsAttribute {
  readonly type: string;
  readonly values: readonly Asn1[];
}

export interface ParsedSignedData {
  readonly contentType: string;
  /** The encapsulated content (empty when absent). */
  readonly content: Buffer;
  readonly certificates: readonly Buffer[];
  readonly signer: {
    /** The certificate that signed, found by its IssuerAndSerialNumber among `certificates`. */
    readonly certificate: Buffer;
    readonly digest: DigestName;
    readonly attributes: readonly CmsAttribute[];
  };
}

/** Unwraps a ContentInfo of the expected type. */
export function unwrapContentInfo(bytes: Uint8Array, expected: string, what: string): Asn1 {
  const [type, content] = expectSequence(parseBer(bytes, what), what);
  if (expectOid(type, `${what}'s content type`) !== expected || !isContext(content, 0)) {
    throw cmsError(`${what} is not a ${expected === CMS_OID.signedData ? 'SignedData' : 'EnvelopedData'} ContentInfo.`);
  }
  const inner = children(content)[0];
  if (!inner) {
    throw cmsError(`${what} has no content.`);
  }
  return inner;
}

const digestOf = (algorithm: Asn1 | undefined, what: string): DigestName => {
  const name = DIGESTS[expectOid(children(algorithm)[0], what)];
  if (!name) {
    throw cmsError(`${what}: unsupported digest algorithm.`, 'badAlg');
  }
  return name;
};

function readAttributes(signedAttrs: Asn1): CmsAttribute[] {
  return children(signedAttrs).map((attribute) => {
    const [type, values] = expectSequence(attribute, 'A signed attribute');
    return { type: expectOid(type, 'A signed attribute'), values: expectSet(values, 'A signed attribute') };
  });
}

export const attribute = (attributes: readonly CmsAttribute[], type: string): Asn1 | undefined =>
  attributes.find((a) => a.type === type)?.values[0];

/**
 * Parses a SignedData with one signer and verifies it: the signer's certificate comes with the
 * message, the messageDigest attribute matches the content, and the signature over the DER of
 * the signed attributes verifies with the certificate's key. Anything else throws CmsError
 * (badMessageCheck, or badAlg for an algorithm it does not know). Trust in the certificate
 * is the caller's business: a SCEP PKCSReq is signed by a self-signed certificate.
 */
export function parseSignedData(bytes: Uint8Array): ParsedSignedData {
  const signedData = expectSequence(unwrapContentInfo(bytes, CMS_OID.signedData, 'The message'), 'SignedData');
  const [, , encapsulated, ...rest] = signedData;
  const [contentTypeNode, eContent] = expectSequence(encapsulated, 'EncapsulatedContentInfo');
  const contentType = expectOid(contentTypeNode, 'The encapsulated content type');
  const content = isContext(eContent, 0)
    ? octetBytes(children(eContent)[0] ?? node(Class.UNIVERSAL, Type.OCTETSTRING, false, ''), 'eContent')
    : Buffer.alloc(0);
  const certificates = rest
    .filter((n) => isContext(n, 0))
    .flatMap((n) =>
      children(n)
        .filter((c) => c.tagClass === Class.UNIVERSAL && c.type === Type.SEQUENCE)
        .map(der),
    );
  const signerInfos = expectSet(rest[rest.length - 1], 'SignerInfos');
  if (signerInfos.length !== 1) {
    throw cmsError(`The message must have exactly one signer (it has ${signerInfos.length}).`);
  }
  const [, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature] = expectSequence(
    signerInfos[0],
    'SignerInfo',
  );
  if (!sid || !isContext(signedAttrs, 0) || !signatureAlgorithm || !signature) {
    throw cmsError('The SignerInfo has no signed attributes (SCEP requires them).');
  }
  const certificate =
    sid.tagClass === Class.UNIVERSAL
      ? certificates.find((c) => namesCertificate(sid, c))
      : certificates.length === 1
        ? certificates[0]
        : undefined;
  if (!certificate) {
    throw cmsError('The signer certificate is not in the message.');
  }
  const digest = digestOf(digestAlgorithm, 'The signer digest algorithm');
  const attributes = readAttributes(signedAttrs);
  const declaredType = attribute(attributes, CMS_OID.contentType);
  if (declaredType && expectOid(declaredType, 'The contentType attribute') !== contentType) {
    throw cmsError('The contentType attribute does not match the content.');
  }
  const messageDigest = attribute(attributes, CMS_OID.messageDigest);
  if (
    !messageDigest ||
    !octetBytes(messageDigest, 'The messageDigest attribute').equals(createHash(digest).update(content).digest())
  ) {
    throw cmsError('The messageDigest attribute does not match the content.');
  }
  const hashName = SIGNATURES[expectOid(children(signatureAlgorithm)[0], 'The signature algorithm')];
  if (!hashName) {
    throw cmsError('Unsupported signature algorithm.', 'badAlg');
  }
  // The signature covers the attributes as a DER SET OF, not as the [0] IMPLICIT they travel in.
  const covered = encode(asn1.create(Class.UNIVERSAL, Type.SET, true, children(signedAttrs)));
  let key: KeyObject;
  try {
    key = new X509Certificate(certificate).publicKey;
  } catch {
    throw cmsError('The signer certificate cannot be read.');
  }
  if (!verify(hashName === 'digest' ? digest : hashName, covered, key, valueBytes(signature))) {
    throw cmsError('The signature does not verify with the signer certificate.');
  }
  return { contentType, content, certificates, signer: { certificate, digest, attributes } };
}

/** Something that signs a SignerInfo: an RSA or EC key held here, or a CA's Signer. */
export interface CmsSigner {
  /** DER of the signer's certificate. */
  readonly certificate: Buffer;
  /** rsaEncryption, or the EC signature algorithm matching `digest`. */
  readonly signatureAlgorithm: string;
  sign(data: Buffer, digest: DigestName): Promise<Buffer>;
}

/** A CmsSigner over a software key (node:crypto). */
export function keySigner(certificate: Buffer, privateKey: KeyObject): CmsSigner {
  const type = createPublicKey(privateKey).asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') {
    throw new Error(`Unsupported CMS signing key: ${type ?? 'unknown'}.`);
  }
  return {
    certificate,
    signatureAlgorithm: type === 'rsa' ? OID.rsaEncryption : '1.2.840.10045.4.3.2',
    sign: (data, digest) =>
      new Promise((resolve, reject) => {
        sign(type === 'rsa' ? digest : 'sha256', data, privateKey, (error, signature) =>
          error ? reject(error) : resolve(signature),
        );
      }),
  };
}

export const algorithmId = (dotted: string, withNull = true): Asn1 =>
  seq(withNull ? [oid(dotted), nullValue()] : [oid(dotted)]);

/** DER SET OF: the elements sorted by their encodings (X.690 11.6), which is what a verifier re-encodes. */
export function derSetOf(items: readonly Asn1[]): Asn1 {
  const sorted = items.map((item) => ({ item, bytes: encode(item) })).sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  return set(sorted.map((s) => s.item));
}

export interface SignedDataInput {
  readonly contentType?: string;
  /**
   * The content, always written as one primitive OCTET STRING, and written even when empty:
   * a constructed one defeats Go's parser, and an absent one defeats OpenSSL's (the pitfalls of
   * the trial that used pkijs, which does both).
   */
  readonly content: Buffer;
  readonly certificates: readonly Buffer[];
  readonly signer: CmsSigner;
  readonly digest: DigestName;
  /** Extra signed attributes (contentType and messageDigest are added). */
  readonly attributes: readonly { type: string; value: Asn1 }[];
}

/** Builds a DER SignedData ContentInfo with one signer. */
export async function buildSignedData(input: SignedDataInput): Promise<Buffer> {
  const contentType = input.contentType ?? CMS_OID.data;
  const attributes = [
    { type: CMS_OID.contentType, value: oid(contentType) },
    { type: CMS_OID.messageDigest, value: octets(createHash(input.digest).update(input.content).digest()) },
    ...input.attributes,
  ].map((a) => seq([oid(a.type), set([a.value])]));
  const signedAttrs = derSetOf(attributes);
  const signature = await input.signer.sign(encode(signedAttrs), input.digest);
  const { issuer, serial } = issuerAndSerialOf(input.signer.certificate);
  const signerInfo = seq([
    smallInteger(1),
    seq([raw(issuer), asn1.create(Class.UNIVERSAL, Type.INTEGER, false, toBinary(serial))]),
    algorithmId(DIGEST_OID[input.digest], false),
    node(Class.CONTEXT_SPECIFIC, 0, true, children(signedAttrs)),
    algorithmId(input.signer.signatureAlgorithm, input.signer.signatureAlgorithm === OID.rsaEncryption),
    octets(signature),
  ]);
  const signedData = seq([
    smallInteger(1),
    set([algorithmId(DIGEST_OID[input.digest], false)]),
    seq([oid(contentType), explicit(0, octets(input.content))]),
    node(
      Class.CONTEXT_SPECIFIC,
      0,
      true,
      input.certificates.map((c) => raw(c)),
    ),
    set([signerInfo]),
  ]);
  return encode(seq([oid(CMS_OID.signedData), explicit(0, signedData)]));
}

/**
 * A degenerate certs-only SignedData (RFC 8894 GetCACert, RFC 7030 /cacerts) with the
 * certificates in the order given: SCEP clients take the first one as the RA (the DER SET OF
 * order that certificatesToPkcs7 writes would put any one first).
 */
export function certsOnly(certificates: readonly Buffer[]): Buffer {
  const signedData = seq([
    smallInteger(1),
    set([]),
    seq([oid(CMS_OID.data)]),
    node(
      Class.CONTEXT_SPECIFIC,
      0,
      true,
      certificates.map((c) => raw(c)),
    ),
    set([]),
  ]);
  return encode(seq([oid(CMS_OID.signedData), explicit(0, signedData)]));
}
