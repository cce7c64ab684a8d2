import { createHmac, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { OID } from './oids';
import {
  asn1,
  children,
  Class,
  encode,
  explicit,
  node,
  octets,
  oid,
  raw,
  seq,
  set,
  sha1,
  smallInteger,
  Type,
  nullValue,
  type Asn1,
} from './der';
import { toPem } from './pem';

/** Certificates as PEM, one block each, in the order given. */
export const certificatesToPem = (ders: readonly Buffer[]): string =>
  ders.map((der) => toPem('CERTIFICATE', der)).join('');

const contentInfo = (type: string, content: Asn1): Asn1 => seq([oid(type), explicit(0, content)]);

/** DER SET OF sorts its elements by their encodings (X.690 11.6). */
const setOf = (ders: readonly Buffer[]): Asn1 => set([...ders].sort((a, b) => Buffer.compare(a, b)).map(raw));

/** A degenerate PKCS #7 SignedData holding only certificates (.p7b, RFC 2315 / 5652). */
export function certificatesToPkcs7(ders: readonly Buffer[]): Buffer {
  const certificates = setOf(ders);
  const signedData = seq([
    smallInteger(1),
    set([]),
    seq([oid(OID.data)]),
    node(Class.CONTEXT_SPECIFIC, 0, true, children(certificates)),
    set([]),
  ]);
  return encode(contentInfo(OID.signedData, signedData));
}

export interface Pkcs12Options {
  readonly privateKey: KeyObject;
  /** The holder's certificate first, then the chain. */
  readonly certificates: readonly Buffer[];
  readonly password: string;
  readonly friendlyName?: string;
  /** PKCS #12 MAC iterations. Default 2048 (OpenSSL's). */
  readonly macIterations?: number;
}

// forge writes a BMPSTRING node's JavaScript string as UTF-16BE itself.
const bmpString = (text: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.BMPSTRING, false, text);

const bagAttributes = (localKeyId: Buffer, friendlyName?: string): Asn1 =>
  set([
    ...(friendlyName ? [seq([oid(OID.friendlyName), set([bmpString(friendlyName)])])] : []),
    seq([oid(OID.localKeyId), set([octets(localKeyId)])]),
  ]);

/**
 * PKCS #12 (RFC 7292) with the key as a PBES2 shrouded key bag (PBKDF2-HMAC-SHA256, AES-256-CBC,
 * made by node:crypto, so RSA and EC keys both work) and an HMAC-SHA256 MAC. Key and certificate
 * share a localKeyId so that importers pair them.
 */
export function toPkcs12(options: Pkcs12Options): Buffer {
  const [leaf] = options.certificates;
  if (!leaf) {
    throw new Error('toPkcs12 needs at least the holder certificate.');
  }
  const localKeyId = sha1(leaf);
  const encryptedKey = options.privateKey.export({
    type: 'pkcs8',
    format: 'der',
    cipher: 'aes-256-cbc',
    passphrase: options.password,
  });
  const keyBag = seq([
    oid(OID.pkcs8ShroudedKeyBag),
    explicit(0, raw(encryptedKey)),
    bagAttributes(localKeyId, options.friendlyName),
  ]);
  const certBags = options.certificates.map((der, i) =>
    seq([
      oid(OID.certBag),
      explicit(0, seq([oid(OID.x509Certificate), explicit(0, octets(der))])),
      ...(i === 0 ? [bagAttributes(localKeyId, options.friendlyName)] : []),
    ]),
  );
  const authSafe = encode(
    seq([contentInfo(OID.data, octets(encode(seq(certBags)))), contentInfo(OID.data, octets(encode(seq([keyBag]))))]),
  );
  const salt = randomBytes(16);
  const iterations = options.macIterations ?? 2048;
  const macKey = forge.pkcs12.generateKey(
    options.password,
    forge.util.createBuffer(salt.toString('binary')),
    3,
    iterations,
    32,
    forge.md.sha256.create(),
  );
  const mac = createHmac('sha256', Buffer.from(macKey.getBytes(), 'binary')).update(authSafe).digest();
  return encode(
    seq([
      smallInteger(3),
      contentInfo(OID.data, octets(authSafe)),
      seq([seq([seq([oid(OID.sha256), nullValue()]), octets(mac)]), octets(salt), smallInteger(iterations)]),
    ]),
  );
}
