import { isIP } from 'node:net';
import { PkiError } from './errors';
import { OID } from './oids';
import type { DistinguishedName, NameAttribute } from './name';
import type { PublicKeyInfo } from './public-key';
import type { ParsedCsr } from './csr';
import { ekuName, type GeneralName, type KeyUsage, type ExtendedKeyUsage, EXTENDED_KEY_USAGES } from './extensions';

/** The certificate profiles of the product (docs/design.md, "Request kinds and certificate profiles"), plus the CA's own service certificates. */
export type ProfileName =
  'workstation' | 'server' | 'external' | 'mobile' | 'manager' | 'tls-server' | 'ocsp-responder';

/** What the caller (the API) knows about the subject; the profile decides the rest. */
export interface ProfileInput {
  readonly commonName: string;
  readonly organizationCode?: string;
  readonly country?: string;
  readonly state?: string;
  readonly locality?: string;
  readonly email?: string;
  /** Extra dNSNames (tls-server only). */
  readonly dnsNames?: readonly string[];
  /** IPv4 addresses (tls-server only). */
  readonly ipAddresses?: readonly string[];
}

export interface Profile {
  readonly name: ProfileName;
  /** Validity in days from issuance. */
  readonly validityDays: number;
  readonly organizationalUnit?: string;
  readonly extendedKeyUsage: readonly ExtendedKeyUsage[];
  /** Key usages for a subject key of this kind (RFC 8813: no encipherment bits on EC keys). */
  keyUsage(key: PublicKeyInfo): readonly KeyUsage[];
  /** Refuses a common name this profile cannot carry. */
  checkCommonName(commonName: string): void;
  subjectAltNames(input: ProfileInput): readonly GeneralName[];
  /** Whether the CA marks the certificate with id-pkix-ocsp-nocheck (delegated OCSP signers). */
  readonly ocspNoCheck: boolean;
  /** Whether the common name is a host's DNS name, which must then be among the subjectAltName's dNSNames. */
  readonly dnsCommonName: boolean;
}

const DNS_NAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$/;

const endEntityUsage = (key: PublicKeyInfo): readonly KeyUsage[] =>
  key.algorithm === 'RSA'
    ? ['digitalSignature', 'keyEncipherment', 'dataEncipherment']
    : ['digitalSignature', 'keyAgreement'];

function checkDnsName(commonName: string): void {
  // 127.0.0.1 and 10.1 (inet_aton's short form) are LDH strings too: a last label of digits only
  // never ends a host name (RFC 3696 section 2), and an IPv6 address is not one either.
  if (isIP(commonName) !== 0 || /(?:^|\.)[0-9]+\.?$/.test(commonName)) {
    throw new PkiError(
      'SUBJECT_INVALID',
      `The common name must be a DNS name, not an IP address: ${JSON.stringify(commonName)} (a server certificate names its host by DNS).`,
    );
  }
  if (!DNS_NAME.test(commonName)) {
    throw new PkiError(
      'SUBJECT_INVALID',
      `The common name must be a fully qualified DNS name (no wildcard): ${JSON.stringify(commonName)}.`,
    );
  }
}

function checkDeviceId(pattern: RegExp, description: string): (commonName: string) => void {
  return (commonName) => {
    if (!pattern.test(commonName)) {
      throw new PkiError('SUBJECT_INVALID', `The common name must be ${description}.`);
    }
  };
}

const none = (): readonly GeneralName[] => [];
const dnsFromCn = (input: ProfileInput): readonly GeneralName[] => [
  { type: 'dns', value: input.commonName.toLowerCase() },
];

const base = { ocspNoCheck: false, dnsCommonName: false, keyUsage: endEntityUsage } as const;

/** Every profile by name. Validity: devices 2 years, servers 397 days (the public-TLS ceiling), users 1 year. */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  workstation: {
    ...base,
    name: 'workstation',
    validityDays: 730,
    organizationalUnit: 'Workstation',
    extendedKeyUsage: ['clientAuth'],
    checkCommonName: checkDeviceId(/^[0-9A-F]{8,64}$/, 'the device fingerprint in upper-case hex (8 to 64 digits)'),
    subjectAltNames: none,
  },
  server: {
    ...base,
    dnsCommonName: true,
    name: 'server',
    validityDays: 397,
    organizationalUnit: 'Server',
    extendedKeyUsage: ['clientAuth'],
    checkCommonName: checkDnsName,
    subjectAltNames: dnsFromCn,
  },
  external: {
    ...base,
    dnsCommonName: true,
    name: 'external',
    validityDays: 397,
    organizationalUnit: 'Server',
    extendedKeyUsage: ['serverAuth'],
    checkCommonName: checkDnsName,
    subjectAltNames: dnsFromCn,
  },
  mobile: {
    ...base,
    name: 'mobile',
    validityDays: 730,
    organizationalUnit: 'Mobile',
    extendedKeyUsage: ['clientAuth'],
    checkCommonName: checkDeviceId(
      /^[A-Za-z0-9._:-]{4,64}$/,
      'a device identifier of 4 to 64 letters, digits, dots, colons, hyphens or underscores',
    ),
    subjectAltNames: none,
  },
  manager: {
    ...base,
    name: 'manager',
    validityDays: 365,
    organizationalUnit: 'Manager',
    extendedKeyUsage: ['clientAuth'],
    keyUsage: (key) => (key.algorithm === 'RSA' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']),
    checkCommonName: checkDeviceId(/^[A-Za-z0-9._@-]{1,64}$/, 'the manager user name'),
    subjectAltNames: (input) => (input.email ? [{ type: 'email', value: input.email }] : []),
  },
  'tls-server': {
    ...base,
    dnsCommonName: true,
    name: 'tls-server',
    validityDays: 397,
    extendedKeyUsage: ['serverAuth'],
    keyUsage: (key) => (key.algorithm === 'RSA' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']),
    checkCommonName: (cn) => {
      if (cn !== 'localhost') {
        checkDnsName(cn);
      }
    },
    subjectAltNames: (input) => [
      ...[input.commonName, ...(input.dnsNames ?? [])]
        .filter((v, i, all) => all.indexOf(v) === i)
        .map((value): GeneralName => ({ type: 'dns', value })),
      ...(input.ipAddresses ?? []).map((value): GeneralName => ({ type: 'ip', value })),
    ],
  },
  'ocsp-responder': {
    ...base,
    name: 'ocsp-responder',
    validityDays: 30,
    extendedKeyUsage: ['ocspSigning'],
    keyUsage: () => ['digitalSignature'],
    checkCommonName: () => undefined,
    subjectAltNames: none,
    ocspNoCheck: true,
  },
};

/**
 * The subject a profile issues: C, ST, L, O, OU, CN, emailAddress in that DER order, so that the
 * RFC 4514 and Windows forms read CN first. Only the CN comes from the requester's side.
 */
export function buildSubject(profile: Profile, input: ProfileInput): DistinguishedName {
  profile.checkCommonName(input.commonName);
  const parts: (NameAttribute | undefined)[] = [
    input.country ? { oid: OID.countryName, value: input.country } : undefined,
    input.state ? { oid: OID.stateOrProvinceName, value: input.state } : undefined,
    input.locality ? { oid: OID.localityName, value: input.locality } : undefined,
    input.organizationCode ? { oid: OID.organizationName, value: input.organizationCode } : undefined,
    profile.organizationalUnit ? { oid: OID.organizationalUnitName, value: profile.organizationalUnit } : undefined,
    { oid: OID.commonName, value: input.commonName },
    input.email ? { oid: OID.emailAddress, value: input.email } : undefined,
  ];
  return parts.filter((p): p is NameAttribute => p !== undefined);
}

/**
 * For requests whose CSR must ask for the profile's usages (external): refuses a CSR that does
 * not ask for exactly the profile's key usages and extended key usages, naming the expected values.
 */
export function checkRequestedUsages(profile: Profile, csr: ParsedCsr): void {
  const expectedKu = [...profile.keyUsage(csr.publicKey)].sort();
  const askedKu = [...(csr.requestedExtensions.keyUsage ?? [])].sort();
  if (expectedKu.join() !== askedKu.join()) {
    throw new PkiError(
      'KEY_USAGE_MISMATCH',
      `The request must ask for exactly these key usages: ${expectedKu.join(', ')} (it asks for ${askedKu.join(', ') || 'none'}).`,
      { expected: expectedKu, requested: askedKu },
    );
  }
  const expectedEku = profile.extendedKeyUsage.map((e) => EXTENDED_KEY_USAGES[e]).sort();
  const askedEku = [...(csr.requestedExtensions.extendedKeyUsage ?? [])].sort();
  if (expectedEku.join() !== askedEku.join()) {
    throw new PkiError(
      'EKU_MISMATCH',
      `The request must ask for exactly these extended key usages: ${expectedEku.map(ekuName).join(', ')} (it asks for ${askedEku.map(ekuName).join(', ') || 'none'}).`,
      { expected: expectedEku.map(ekuName), requested: askedEku.map(ekuName) },
    );
  }
}
