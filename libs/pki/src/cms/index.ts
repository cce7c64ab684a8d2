/**
 * The message layer of the standard front doors: CMS SignedData and EnvelopedData as SCEP
 * (RFC 8894) and EST (RFC 7030) carry them. node-forge reads and writes the ASN.1 and decrypts
 * RSA PKCS #1 v1.5; node:crypto does every other key and cipher operation.
 */
export { CmsError, isCmsError, type FailInfo, MAX_CMS_BYTES } from './asn1';
export {
  buildSignedData,
  certsOnly,
  parseSignedData,
  keySigner,
  derSetOf,
  CMS_OID,
  DIGEST_OID,
  type CmsSigner,
  type DigestName,
  type ParsedSignedData,
} from './signed-data';
export {
  decryptEnvelopedData,
  encryptEnvelopedData,
  forgeRsaKey,
  type ContentCipher,
  type EnvelopeRecipient,
} from './enveloped-data';
export {
  buildCertRep,
  challengePasswordOf,
  parseScepRequest,
  peekScepRequest,
  SCEP_CAPABILITIES,
  SCEP_MESSAGE_TYPES,
  SCEP_OID,
  type CertRepInput,
  type ScepEnvelopeInfo,
  type ScepMessageType,
  type ScepRequest,
  type ScepStatus,
} from './scep';
export { base64Lines, csrAttributes, decodeBase64Body } from './est';
