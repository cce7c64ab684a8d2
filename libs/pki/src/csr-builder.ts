import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { OID } from './oids';
import { encode, oid, raw, seq, set, smallInteger, node, Class, type Asn1 } from './der';
import { nameToAsn1, type DistinguishedName } from './name';
import { describeKey } from './public-key';
import { signatureAlgorithmFor } from './signature-algorithm';
import { signedStructure } from './certificate-builder';
import { extensionToAsn1, type Extension } from './extensions';
import { toPem } from './pem';

export interface CsrTemplate {
  readonly subject: DistinguishedName;
  readonly privateKey: KeyObject;
  /** Extensions to request (external requests ask for their key usages). Default none. */
  readonly extensions?: readonly Extension[];
}

/** Encodes and signs a CertificationRequestInfo given as ASN.1, with the key's usual algorithm. */
export function signCsrInfo(info: Asn1, privateKey: KeyObject): Buffer {
  const algorithm = signatureAlgorithmFor(describeKey(createPublicKey(privateKey)));
  const infoDer = encode(info);
  return signedStructure(infoDer, algorithm.oid, sign(algorithm.hash, infoDer, privateKey));
}

/** Builds a PKCS #10 request (RFC 2986) signed by its own key; returns PEM. The key never leaves the caller. */
export function buildCsr(template: CsrTemplate): string {
  const spki = createPublicKey(template.privateKey).export({ format: 'der', type: 'spki' });
  const attributes: Asn1[] = template.extensions?.length
    ? [seq([oid(OID.extensionRequest), set([seq(template.extensions.map(extensionToAsn1))])])]
    : [];
  const info = seq([
    smallInteger(0),
    nameToAsn1(template.subject),
    raw(spki),
    node(Class.CONTEXT_SPECIFIC, 0, true, attributes),
  ]);
  return toPem('CERTIFICATE REQUEST', signCsrInfo(info, template.privateKey));
}
