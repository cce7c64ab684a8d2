import { PkiError } from './errors';
import { OID } from './oids';
import {
  bool,
  children,
  Class,
  encode,
  explicit,
  implicitPrimitive,
  namedBits,
  nullValue,
  octets,
  oid,
  readNamedBits,
  readOid,
  seq,
  sha1,
  smallInteger,
  bitStringBytes,
  fromDer,
  node,
  readSmallInteger,
  tagOf,
  toBinary,
  Type,
  type Asn1,
} from './der';

/** RFC 5280 4.2.1.3 key usage bits, by name. */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsage = keyof typeof KEY_USAGE_BITS;

/** Extended key usages that profiles use, by name. */
export const EXTENDED_KEY_USAGES = {
  serverAuth: OID.serverAuth,
  clientAuth: OID.clientAuth,
  ocspSigning: OID.ocspSigning,
} as const;
export type ExtendedKeyUsage = keyof typeof EXTENDED_KEY_USAGES;

export type GeneralName =
  | { readonly type: 'dns'; readonly value: string }
  | { readonly type: 'email'; readonly value: string }
  | { readonly type: 'uri'; readonly value: string }
  | { readonly type: 'ip'; readonly value: string }
  | { readonly type: 'other'; readonly tag: number };

/** What a CSR asked for. It is read for checks and display; nothing of it is copied into a certificate. */
export interface RequestedExtensions {
  readonly keyUsage?: readonly KeyUsage[];
  readonly extendedKeyUsage?: readonly string[];
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  readonly subjectAltNames?: readonly GeneralName[];
  /** Every extension OID the CSR carried, including the ones listed above. */
  readonly oids: readonly string[];
}

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Asn1;
}

export function extensionToAsn1(extension: Extension): Asn1 {
  const parts = [oid(extension.oid)];
  if (extension.critical) {
    parts.push(bool(true));
  }
  parts.push(octets(encode(extension.value)));
  return seq(parts);
}

const KU_NAMES = Object.fromEntries(Object.entries(KEY_USAGE_BITS).map(([k, v]) => [v, k])) as Record<number, KeyUsage>;
const EKU_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(EXTENDED_KEY_USAGES).map(([k, v]) => [v, k]),
);

/** A readable name for an EKU OID (its profile name, or the OID itself). */
export const ekuName = (value: string): string =>
  EKU_NAMES[value] ?? (value === OID.anyExtendedKeyUsage ? 'anyExtendedKeyUsage' : value);

function parseGeneralName(node: Asn1): GeneralName {
  const text = (): string => Buffer.from(node.value as string, 'binary').toString('latin1');
  switch (node.tagClass === Class.CONTEXT_SPECIFIC ? tagOf(node) : -1) {
    case 1:
      return { type: 'email', value: text() };
    case 2:
      return { type: 'dns', value: text() };
    case 6:
      return { type: 'uri', value: text() };
    case 7: {
      const bytes = Buffer.from(node.value as string, 'binary');
      const value = bytes.length === 4 ? [...bytes].join('.') : (bytes.toString('hex').match(/.{4}/g) ?? []).join(':');
      return { type: 'ip', value };
    }
    default:
      return { type: 'other', tag: tagOf(node) };
  }
}

function parseExtensionValue(extOid: string, value: Asn1): Partial<RequestedExtensions> {
  switch (extOid) {
    case OID.keyUsage:
      return { keyUsage: readNamedBits(value).map((bit) => KU_NAMES[bit] ?? 'decipherOnly') };
    case OID.extKeyUsage:
      return { extendedKeyUsage: children(value).map((n) => readOid(n) ?? '?') };
    case OID.basicConstraints: {
      const items = children(value);
      const caNode = items.find((n) => n.type === Type.BOOLEAN);
      const lenNode = items.find((n) => n.type === Type.INTEGER);
      return {
        basicConstraints: {
          ca: caNode ? (caNode.value as string) !== '\x00' : false,
          ...(lenNode
            ? { pathLength: readSmallInteger(lenNode, 'EXTENSION_INVALID', 'The basic constraints path length') }
            : {}),
        },
      };
    }
    case OID.subjectAltName:
      return { subjectAltNames: children(value).map(parseGeneralName) };
    default:
      return {};
  }
}

/** Reads the Extensions SEQUENCE of a CSR's extensionRequest attribute. */
export function readRequestedExtensions(extensions: Asn1): RequestedExtensions {
  const result: { -readonly [K in keyof RequestedExtensions]: RequestedExtensions[K] } = { oids: [] };
  const seen = new Set<string>();
  for (const ext of children(extensions)) {
    const parts = children(ext);
    const extOid = readOid(parts[0]);
    const valueNode = parts[parts.length - 1];
    if (!extOid || !valueNode || valueNode.type !== Type.OCTETSTRING) {
      throw new PkiError('EXTENSION_INVALID', 'A requested extension is malformed.');
    }
    if (seen.has(extOid)) {
      throw new PkiError('EXTENSION_INVALID', `The extension ${extOid} is requested twice.`);
    }
    seen.add(extOid);
    let value: Asn1;
    try {
      value = fromDer(valueNode.value as string);
    } catch {
      throw new PkiError('EXTENSION_INVALID', `The requested extension ${extOid} cannot be read.`);
    }
    Object.assign(result, parseExtensionValue(extOid, value));
  }
  result.oids = [...seen];
  return result;
}

// ---- builders used by profiles and the CA bootstrap ----

export const keyUsageExtension = (usages: readonly KeyUsage[]): Extension => ({
  oid: OID.keyUsage,
  critical: true,
  value: namedBits(usages.map((u) => KEY_USAGE_BITS[u])),
});

export const extendedKeyUsageExtension = (oids: readonly string[]): Extension => ({
  oid: OID.extKeyUsage,
  critical: false,
  value: seq(oids.map(oid)),
});

export function basicConstraintsExtension(ca: boolean, pathLength?: number): Extension {
  const items: Asn1[] = [];
  if (ca) {
    items.push(bool(true));
    if (pathLength !== undefined) {
      items.push(smallInteger(pathLength));
    }
  }
  return { oid: OID.basicConstraints, critical: true, value: seq(items) };
}

function ipBytes(ip: string): Buffer {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) {
    return Buffer.from(ip.split('.').map(Number));
  }
  throw new PkiError('PROFILE_INPUT_INVALID', `Only IPv4 addresses are supported in subjectAltName: ${ip}`);
}

export function generalNameToAsn1(name: GeneralName): Asn1 {
  switch (name.type) {
    case 'email':
      return implicitPrimitive(1, Buffer.from(name.value, 'latin1'));
    case 'dns':
      return implicitPrimitive(2, Buffer.from(name.value, 'latin1'));
    case 'uri':
      return implicitPrimitive(6, Buffer.from(name.value, 'latin1'));
    case 'ip':
      return implicitPrimitive(7, ipBytes(name.value));
    case 'other':
      throw new PkiError('PROFILE_INPUT_INVALID', 'Only dNSName, rfc822Name, URI and iPAddress names are issued.');
  }
}

export const subjectAltNameExtension = (names: readonly GeneralName[]): Extension => ({
  oid: OID.subjectAltName,
  critical: false,
  value: seq(names.map(generalNameToAsn1)),
});

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's bytes. */
export function keyIdentifier(spki: Buffer): Buffer {
  const info = fromDer(toBinary(spki));
  const key = children(info)[1];
  if (!key) {
    throw new PkiError('CA_KEY_INVALID', 'SubjectPublicKeyInfo without a key.');
  }
  return sha1(bitStringBytes(key));
}

export const subjectKeyIdentifierExtension = (keyId: Buffer): Extension => ({
  oid: OID.subjectKeyIdentifier,
  critical: false,
  value: octets(keyId),
});

export const authorityKeyIdentifierExtension = (keyId: Buffer): Extension => ({
  oid: OID.authorityKeyIdentifier,
  critical: false,
  value: seq([implicitPrimitive(0, keyId)]),
});

export const crlDistributionPointsExtension = (url: string): Extension => ({
  oid: OID.crlDistributionPoints,
  critical: false,
  // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }
  value: seq([
    seq([explicit(0, node(Class.CONTEXT_SPECIFIC, 0, true, [generalNameToAsn1({ type: 'uri', value: url })]))]),
  ]),
});

export const authorityInfoAccessExtension = (ocspUrl: string, caIssuersUrl: string): Extension => ({
  oid: OID.authorityInfoAccess,
  critical: false,
  value: seq([
    seq([oid(OID.ocsp), generalNameToAsn1({ type: 'uri', value: ocspUrl })]),
    seq([oid(OID.caIssuers), generalNameToAsn1({ type: 'uri', value: caIssuersUrl })]),
  ]),
});

export const ocspNoCheckExtension = (): Extension => ({
  oid: OID.ocspNoCheck,
  critical: false,
  value: nullValue(),
});
