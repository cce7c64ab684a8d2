import { Class, Type, asn1, encode, oid, seq, set } from '../der';
import { OID } from '../oids';

/**
 * RFC 7030 answers are base64 of DER. Lines of 64 characters: `openssl base64 -d` (the RFC's
 * own recipe) mangles a single long line.
 */
export const base64Lines = (der: Uint8Array): string =>
  `${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\r\n')}\r\n`;

/** Decodes an EST body (base64, any line breaks); undefined when it is not base64 at all. */
export function decodeBase64Body(body: string | Buffer | undefined): Buffer | undefined {
  const text = (Buffer.isBuffer(body) ? body.toString('latin1') : (body ?? '')).replace(/\s+/g, '');
  if (text.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) {
    return undefined;
  }
  return Buffer.from(text, 'base64');
}

/**
 * CsrAttrs (RFC 7030 4.5.2): what the CA wants in a CSR: a common name, a signature made with
 * SHA-256, and, for the kinds that name a host (server, external), the extension request.
 */
export function csrAttributes(options: { readonly extensionRequest?: boolean } = {}): Buffer {
  const items = [
    oid(OID.commonName),
    oid(OID.sha256WithRSAEncryption),
    oid('1.2.840.10045.4.3.2'),
    ...(options.extensionRequest ? [seq([oid(OID.extensionRequest), set([oid(OID.subjectAltName)])])] : []),
  ];
  return encode(asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items));
}
