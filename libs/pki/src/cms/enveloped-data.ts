import {
  createCipheriv,
  createDecipheriv,
  publicEncrypt,
  randomBytes,
  constants,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';
import {
  Class,
  Type,
  asn1,
  children,
  encode,
  explicit,
  fromBinary,
  node,
  octets,
  oid,
  raw,
  seq,
  set,
  smallInteger,
  toBinary,
} from '../der';
import { OID } from '../oids';
import {
  cmsError,
  expectOid,
  expectSequence,
  expectSet,
  isContext,
  issuerAndSerialOf,
  namesCertificate,
  octetBytes,
} from './asn1';
import { algorithmId, CMS_OID, unwrapContentInfo } from './signed-data';

/** Content-encryption algorithms SCEP clients use: DES and 3DES from old ones (micromdm's scepclient sends DES whatever it is told), AES from the rest. */
export type ContentCipher = 'des-cbc' | 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

const CIPHERS: Readonly<Record<string, { name: ContentCipher; keyLength: number; ivLength: number }>> = {
  '1.3.14.3.2.7': { name: 'des-cbc', keyLength: 8, ivLength: 8 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
};
const CIPHER_OID: Readonly<Record<ContentCipher, string>> = Object.fromEntries(
  Object.entries(CIPHERS).map(([dotted, c]) => [c.name, dotted]),
) as Record<ContentCipher, string>;

export interface DecryptedEnvelope {
  readonly content: Buffer;
  /** What the sender used: the answer goes back with the same, or 3DES for single DES. */
  readonly cipher: ContentCipher;
}

/** The recipient's side: its certificate (to find its RecipientInfo) and its RSA private key. */
export interface EnvelopeRecipient {
  readonly certificate: Buffer;
  /** node-forge's key: Node 20 refuses RSA PKCS #1 v1.5 private decryption (CVE-2023-46809). */
  readonly forgeKey: forge.pki.rsa.PrivateKey;
}

export const forgeRsaKey = (privateKey: KeyObject): forge.pki.rsa.PrivateKey =>
  forge.pki.privateKeyFromPem(privateKey.export({ format: 'pem', type: 'pkcs1' }).toString());

/**
 * Unwraps the content-encryption key. forge's RSA decryption is not constant-time, and PKCS #1
 * v1.5 padding is Bleichenbacher's oracle: a bad padding therefore does not fail here, it yields
 * a random key of the right length (implicit rejection), so that the caller sees one and the
 * same failure, a content that does not decrypt, whatever went wrong.
 */
function unwrapKey(recipient: EnvelopeRecipient, encryptedKey: Buffer, keyLength: number): Buffer {
  let key: Buffer | undefined;
  try {
    key = fromBinary(recipient.forgeKey.decrypt(toBinary(encryptedKey), 'RSAES-PKCS1-V1_5'));
  } catch {
    key = undefined;
  }
  return key?.length === keyLength ? key : randomBytes(keyLength);
}

function decipher(cipher: ContentCipher, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  if (cipher === 'des-cbc') {
    // OpenSSL 3 keeps single DES in its legacy provider, which Node does not load: forge does it.
    const d = forge.cipher.createDecipher('DES-CBC', toBinary(key));
    d.start({ iv: toBinary(iv) });
    d.update(forge.util.createBuffer(toBinary(data)));
    if (!d.finish()) {
      throw new Error('bad padding');
    }
    return fromBinary(d.output.getBytes());
  }
  const d = createDecipheriv(cipher, key, iv);
  return Buffer.concat([d.update(data), d.final()]);
}

/** Decrypts an EnvelopedData (KeyTransRecipientInfo with RSA) addressed to `recipient`. */
export function decryptEnvelopedData(bytes: Uint8Array, recipient: EnvelopeRecipient): DecryptedEnvelope {
  const fields = expectSequence(
    unwrapContentInfo(bytes, CMS_OID.envelopedData, 'The pkcsPKIEnvelope'),
    'EnvelopedData',
  );
  const offset = isContext(fields[1], 0) ? 1 : 0; // originatorInfo
  const recipientInfos = expectSet(fields[1 + offset], 'RecipientInfos');
  const mine = recipientInfos.find((info) => {
    const [version, rid] = children(info);
    return (
      version?.type === Type.INTEGER &&
      rid?.tagClass === Class.UNIVERSAL &&
      rid.type === Type.SEQUENCE &&
      namesCertificate(rid, recipient.certificate)
    );
  });
  if (!mine) {
    throw cmsError(
      "The pkcsPKIEnvelope is not encrypted to this server's certificate (fetch GetCACert again).",
      'badMessageCheck',
    );
  }
  const [, , keyAlgorithm, encryptedKey] = children(mine);
  if (expectOid(children(keyAlgorithm)[0], 'The key encryption algorithm') !== OID.rsaEncryption) {
    throw cmsError('Only RSA key transport (rsaEncryption) is supported.', 'badAlg');
  }
  const [, contentAlgorithm, encrypted] = expectSequence(fields[2 + offset], 'EncryptedContentInfo');
  const [algorithmOid, ivNode] = children(contentAlgorithm);
  const cipher = CIPHERS[expectOid(algorithmOid, 'The content encryption algorithm')];
  if (!cipher) {
    throw cmsError('Unsupported content encryption algorithm (AES-CBC, 3DES or DES are).', 'badAlg');
  }
  const iv = octetBytes(ivNode, 'The content encryption IV');
  if (iv.length !== cipher.ivLength || !isContext(encrypted, 0)) {
    throw cmsError('The encrypted content or its IV is missing.');
  }
  const key = unwrapKey(recipient, octetBytes(encryptedKey, 'The encrypted key'), cipher.keyLength);
  try {
    return {
      content: decipher(cipher.name, key, iv, octetBytes(encrypted, 'The encrypted content')),
      cipher: cipher.name,
    };
  } catch {
    throw cmsError('The pkcsPKIEnvelope does not decrypt.');
  }
}

/** Encrypts `content` to one RSA certificate (KeyTransRecipientInfo, PKCS #1 v1.5: what SCEP clients decrypt). */
export function encryptEnvelopedData(content: Buffer, recipientCertificate: Buffer, cipher: ContentCipher): Buffer {
  if (cipher === 'des-cbc') {
    cipher = 'des-ede3-cbc';
  }
  const spec = CIPHERS[CIPHER_OID[cipher]];
  const publicKey = new X509Certificate(recipientCertificate).publicKey;
  if (!spec || publicKey.asymmetricKeyType !== 'rsa') {
    throw cmsError("The requester's certificate must hold an RSA key (the answer is encrypted to it).", 'badAlg');
  }
  const key = randomBytes(spec.keyLength);
  const iv = randomBytes(spec.ivLength);
  const c = createCipheriv(cipher, key, iv);
  const encrypted = Buffer.concat([c.update(content), c.final()]);
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const { issuer, serial } = issuerAndSerialOf(recipientCertificate);
  const recipientInfo = seq([
    smallInteger(0),
    seq([raw(issuer), asn1.create(Class.UNIVERSAL, Type.INTEGER, false, toBinary(serial))]),
    algorithmId(OID.rsaEncryption),
    octets(encryptedKey),
  ]);
  const envelopedData = seq([
    smallInteger(0),
    set([recipientInfo]),
    seq([
      oid(CMS_OID.data),
      seq([oid(CIPHER_OID[cipher]), octets(iv)]),
      node(Class.CONTEXT_SPECIFIC, 0, false, toBinary(encrypted)),
    ]),
  ]);
  return encode(seq([oid(CMS_OID.envelopedData), explicit(0, envelopedData)]));
}
