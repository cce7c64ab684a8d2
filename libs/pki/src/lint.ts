import type { X509Certificate } from 'node:crypto';
import { PkiError } from './errors';
import { OID } from './oids';
import { bytesOf, childTlvs, contentOf, oidText, readPkixTime, readRoot, readTlv, TAG, type Tlv } from './der-reader';
import { characterCount, forbiddenCharacter, PRINTABLE, UPPER_BOUNDS } from './name';
import type { Profile } from './profile';
import type { PublicKeyInfo } from './public-key';
import { SIGNATURE_ALGORITHMS } from './signature-algorithm';
import { EXTENDED_KEY_USAGES, KEY_USAGE_BITS, type KeyUsage } from './extensions';

/**
 * Lint before sign: RFC 5280 and CA/Browser-Forum-style rules over a certificate's DER, read
 * with the independent reader of der-reader.ts. The issuer lints the to-be-signed certificate
 * before its key signs anything, so a certificate that breaks a rule is never signed. Each rule
 * has an id (stable, for tests and logs) and a description with its source.
 */
export const LINT_RULES = {
  'der-structure': 'The certificate is DER with the X.509 v3 structure (RFC 5280 4.1).',
  version: 'The version is v3, since extensions are present (RFC 5280 4.1.2.1).',
  'serial-positive': 'The serial number is a positive INTEGER in minimal DER (RFC 5280 4.1.2.2).',
  'serial-length': 'The serial number is at most 20 octets (RFC 5280 4.1.2.2).',
  'serial-entropy':
    'The serial number holds at least 64 random bits (CA/B BR 7.1). A length cannot measure randomness: at least 9 octets is the proxy, since this CA draws 128 bits.',
  'signature-algorithm-match': 'The TBS signature algorithm is the outer one, byte for byte (RFC 5280 4.1.1.2).',
  'signature-algorithm-issuer-key':
    "The signature algorithm is one the CA signs with, fits the issuer's key, and has the right parameters (NULL for RSA, none for ECDSA: RFC 4055, RFC 5758).",
  'validity-encoding':
    'Times are UTCTime through 2049 and GeneralizedTime from 2050, in seconds, in Zulu (RFC 5280 4.1.2.5).',
  'validity-order': 'notBefore is before notAfter.',
  'validity-within-issuer': "The validity lies within the issuer's validity.",
  'public-key':
    'The key is RSA (2048, 3072 or 4096 bits, NULL parameters) or EC P-256/P-384 on a named curve with an uncompressed point (RFC 3279, RFC 5480).',
  'subject-attribute-type':
    'Subject values are single-valued RDNs of the right string type: C a PrintableString, emailAddress an IA5String, others UTF8String or PrintableString (RFC 5280 4.1.2.6, appendix A).',
  'subject-attribute-length':
    'Subject values are not empty and within their upper bounds: CN, O, OU 64, L, ST 128, C exactly 2, emailAddress 255 (RFC 5280 appendix A).',
  'subject-characters': 'No subject value holds a control, bidirectional control or zero-width character.',
  'extensions-unique': 'No extension appears twice (RFC 5280 4.2).',
  'basic-constraints':
    'basicConstraints is present: cA false for an end entity; critical with cA true for a CA (RFC 5280 4.2.1.9).',
  'key-usage': 'keyUsage is present, critical, and not empty (RFC 5280 4.2.1.3).',
  'key-usage-key-type':
    'Key usages fit the key: no keyEncipherment or dataEncipherment for EC keys (RFC 8813), no keyAgreement for RSA keys, encipherOnly/decipherOnly only with keyAgreement.',
  'key-usage-profile': "Key usages are exactly the profile's for this key; a CA has keyCertSign and cRLSign.",
  'extended-key-usage':
    "An end entity's extended key usages are exactly its profile's, never anyExtendedKeyUsage (CA/B BR 7.1.2.7.10).",
  'san-dns-cn':
    'For a profile whose CN is a DNS name: subjectAltName is present and lists the CN among its dNSNames (CA/B BR 7.1.4.3).',
  'ski-present': 'subjectKeyIdentifier is present, non-critical and not empty (RFC 5280 4.2.1.2).',
  'aki-issuer-ski':
    "authorityKeyIdentifier is present, non-critical, and its keyIdentifier is the issuer's subjectKeyIdentifier (RFC 5280 4.2.1.1).",
  'crl-distribution-points':
    'cRLDistributionPoints is present with an http URI (CA/B BR 7.1.2), except for the root and an ocsp-nocheck responder.',
  'authority-info-access':
    'authorityInfoAccess is present with an http OCSP URI and an http caIssuers URI (CA/B BR 7.1.2.7.7), except for the root and an ocsp-nocheck responder.',
  'ocsp-nocheck':
    'id-pkix-ocsp-nocheck is present exactly when the profile is a delegated OCSP responder (RFC 6960 4.2.2.2.1).',
} as const;

export type LintRule = keyof typeof LINT_RULES;

export interface LintFinding {
  readonly rule: LintRule;
  readonly message: string;
}

export interface LintOptions {
  /** The issuer's certificate; omitted for a self-signed root, which is then its own issuer. */
  readonly issuer?: X509Certificate;
  /** The profile of an end-entity certificate; omitted for a CA certificate. */
  readonly profile?: Profile;
}

interface ExtensionView {
  readonly oid: string;
  readonly critical: boolean;
  /** The extension's value: the TLV inside its OCTET STRING. */
  readonly value: Tlv;
}

interface CertificateView {
  readonly der: Buffer;
  readonly version: number;
  readonly serial: Buffer;
  readonly tbsSignatureAlgorithm: Buffer;
  readonly signatureAlgorithm: Tlv;
  readonly notBefore: Tlv;
  readonly notAfter: Tlv;
  readonly subject: Tlv;
  readonly spki: Tlv;
  readonly extensions: readonly ExtensionView[];
}

const CONTEXT_0 = 0xa0;
const CONTEXT_3 = 0xa3;

/** Reads the parts of a certificate the rules look at; throws a plain Error when it is not one. */
function view(der: Buffer): CertificateView {
  const root = readRoot(der);
  const [tbs, signatureAlgorithm, signature] = childTlvs(der, root);
  if (
    root.tag !== TAG.SEQUENCE ||
    !tbs ||
    !signatureAlgorithm ||
    signature?.tag !== TAG.BIT_STRING ||
    childTlvs(der, root).length !== 3
  ) {
    throw new Error('not a SEQUENCE of TBSCertificate, AlgorithmIdentifier, BIT STRING');
  }
  const fields = childTlvs(der, tbs);
  let version = 0;
  let i = 0;
  if (fields[0]?.tag === CONTEXT_0) {
    const inner = readTlv(der, fields[0].contentStart, fields[0].end);
    const content = contentOf(der, inner);
    version = inner.tag === TAG.INTEGER && content.length === 1 ? (content[0] ?? 0) : -1;
    i = 1;
  }
  const [serial, tbsAlgorithm, , validity, subject, spki] = fields.slice(i);
  const times = validity ? childTlvs(der, validity) : [];
  const [notBefore, notAfter] = times;
  if (
    serial?.tag !== TAG.INTEGER ||
    !tbsAlgorithm ||
    !subject ||
    spki?.tag !== TAG.SEQUENCE ||
    !notBefore ||
    !notAfter ||
    times.length !== 2
  ) {
    throw new Error('the TBSCertificate lacks serial, signature, issuer, validity, subject or key');
  }
  const extensions: ExtensionView[] = [];
  const extensionsField = fields.find((f) => f.tag === CONTEXT_3);
  if (extensionsField) {
    const list = readTlv(der, extensionsField.contentStart, extensionsField.end);
    for (const extension of childTlvs(der, list)) {
      const parts = childTlvs(der, extension);
      const [oidNode, second, third] = parts;
      const octets = parts.length === 3 ? third : second;
      if (oidNode?.tag !== TAG.OID || octets?.tag !== TAG.OCTET_STRING) {
        throw new Error('an extension is not { OID, [critical], OCTET STRING }');
      }
      const value = readTlv(der, octets.contentStart, octets.end);
      if (value.end !== octets.end) {
        throw new Error('an extension value has trailing bytes');
      }
      const critical = parts.length === 3 && second?.tag === TAG.BOOLEAN && der[second.contentStart] === 0xff;
      extensions.push({ oid: oidText(contentOf(der, oidNode)), critical, value });
    }
  }
  return {
    der,
    version,
    serial: contentOf(der, serial),
    tbsSignatureAlgorithm: bytesOf(der, tbsAlgorithm),
    signatureAlgorithm,
    notBefore,
    notAfter,
    subject,
    spki,
    extensions,
  };
}

/** The issuer's facts the rules compare against, read once per issuer certificate. */
interface IssuerFacts {
  readonly notBefore: Date | undefined;
  readonly notAfter: Date | undefined;
  readonly keyId: Buffer | undefined;
  readonly keyAlgorithm: string | undefined;
}

const issuerCache = new WeakMap<X509Certificate, IssuerFacts>();

function factsOf(certificate: CertificateView): IssuerFacts {
  const ski = certificate.extensions.find((e) => e.oid === OID.subjectKeyIdentifier);
  const algorithm = childTlvs(certificate.der, certificate.spki)[0];
  const algorithmOid = algorithm ? childTlvs(certificate.der, algorithm)[0] : undefined;
  return {
    notBefore: readPkixTime(certificate.der, certificate.notBefore),
    notAfter: readPkixTime(certificate.der, certificate.notAfter),
    keyId: ski?.value.tag === TAG.OCTET_STRING ? contentOf(certificate.der, ski.value) : undefined,
    keyAlgorithm: algorithmOid?.tag === TAG.OID ? oidText(contentOf(certificate.der, algorithmOid)) : undefined,
  };
}

function issuerFacts(issuer: X509Certificate): IssuerFacts {
  let facts = issuerCache.get(issuer);
  if (!facts) {
    facts = factsOf(view(issuer.raw));
    issuerCache.set(issuer, facts);
  }
  return facts;
}

/** Lints a DER certificate (its signature may be empty: the issuer lints before it signs). Returns every broken rule. */
export function lintCertificate(der: Buffer, options: LintOptions = {}): LintFinding[] {
  let certificate: CertificateView;
  try {
    certificate = view(der);
  } catch (error) {
    return [{ rule: 'der-structure', message: `The certificate cannot be read: ${(error as Error).message}.` }];
  }
  const findings: LintFinding[] = [];
  const fail = (rule: LintRule, message: string): void => {
    findings.push({ rule, message });
  };
  try {
    const issuer = options.issuer ? issuerFacts(options.issuer) : factsOf(certificate);
    new Linter(certificate, issuer, options, fail).run();
  } catch (error) {
    fail('der-structure', `A part of the certificate cannot be read: ${(error as Error).message}.`);
  }
  return findings;
}

/** Lints and throws CERTIFICATE_LINT_FAILED, listing every broken rule, when any is broken. */
export function assertCertificateLint(der: Buffer, options: LintOptions = {}): void {
  const findings = lintCertificate(der, options);
  if (findings.length > 0) {
    throw new PkiError(
      'CERTIFICATE_LINT_FAILED',
      `The certificate was not issued: it breaks ${findings.length === 1 ? 'a lint rule' : `${findings.length} lint rules`}: ${findings.map((f) => `${f.rule}: ${f.message}`).join(' ')}`,
      { rules: findings.map((f) => f.rule), findings },
    );
  }
}

const KU_NAMES = Object.entries(KEY_USAGE_BITS) as [KeyUsage, number][];
const EC_CURVES: Readonly<Record<string, { curve: 'P-256' | 'P-384'; pointLength: number }>> = {
  [OID.prime256v1]: { curve: 'P-256', pointLength: 65 },
  [OID.secp384r1]: { curve: 'P-384', pointLength: 97 },
};
const RSA_SIZES = [2048, 3072, 4096] as const;
const LABELS: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.countryName]: 'C',
  [OID.emailAddress]: 'emailAddress',
};
const utf8 = new TextDecoder('utf-8', { fatal: true });
const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

class Linter {
  private readonly der: Buffer;
  private readonly leaf: boolean;
  private readonly root: boolean;
  private readonly extensions = new Map<string, ExtensionView>();
  private key: PublicKeyInfo | undefined;
  private commonName: string | undefined;

  constructor(
    private readonly certificate: CertificateView,
    private readonly issuer: IssuerFacts,
    private readonly options: LintOptions,
    private readonly fail: (rule: LintRule, message: string) => void,
  ) {
    this.der = certificate.der;
    this.leaf = options.profile !== undefined;
    this.root = options.issuer === undefined;
  }

  run(): void {
    this.version();
    this.serial();
    this.signatureAlgorithm();
    this.validity();
    this.publicKey();
    this.subject();
    this.uniqueExtensions();
    this.basicConstraints();
    this.keyUsage();
    this.extendedKeyUsage();
    this.subjectAltName();
    this.keyIdentifiers();
    this.revocationPointers();
  }

  private content(tlv: Tlv): Buffer {
    return contentOf(this.der, tlv);
  }

  private version(): void {
    if (this.certificate.version !== 2) {
      this.fail('version', `The version is v${this.certificate.version + 1}; a certificate with extensions is v3.`);
    }
  }

  private serial(): void {
    const serial = this.certificate.serial;
    const first = serial[0] ?? 0;
    if (
      serial.length === 0 ||
      first & 0x80 ||
      serial.every((b) => b === 0) ||
      (serial.length > 1 && first === 0 && ((serial[1] ?? 0) & 0x80) === 0)
    ) {
      this.fail('serial-positive', 'The serial number is zero, negative, or not in minimal DER.');
    }
    if (serial.length > 20) {
      this.fail('serial-length', `The serial number has ${serial.length} octets; RFC 5280 allows 20.`);
    }
    if (serial.length < 9) {
      this.fail(
        'serial-entropy',
        `The serial number has ${serial.length} octets: too short to hold 64 random bits with room to stay positive.`,
      );
    }
  }

  private signatureAlgorithm(): void {
    const outer = bytesOf(this.der, this.certificate.signatureAlgorithm);
    if (!outer.equals(this.certificate.tbsSignatureAlgorithm)) {
      this.fail(
        'signature-algorithm-match',
        'The signature algorithm inside the TBSCertificate differs from the outer one.',
      );
    }
    const [algorithmOid, parameters, ...rest] = childTlvs(this.der, this.certificate.signatureAlgorithm);
    const oid = algorithmOid?.tag === TAG.OID ? oidText(this.content(algorithmOid)) : '';
    const scheme = SIGNATURE_ALGORITHMS[oid];
    const issuerKey =
      this.issuer.keyAlgorithm === OID.rsaEncryption
        ? 'RSA'
        : this.issuer.keyAlgorithm === OID.ecPublicKey
          ? 'EC'
          : undefined;
    const rightParameters =
      rest.length === 0 &&
      (scheme?.keyAlgorithm === 'RSA'
        ? parameters?.tag === TAG.NULL && parameters.end === parameters.contentStart
        : parameters === undefined);
    if (!scheme || scheme.keyAlgorithm !== issuerKey || !rightParameters) {
      this.fail(
        'signature-algorithm-issuer-key',
        `The signature algorithm ${oid || '(unreadable)'} does not fit the issuer's ${issuerKey ?? 'unknown'} key or has the wrong parameters.`,
      );
    }
  }

  private validity(): void {
    const { notBefore: nbTlv, notAfter: naTlv } = this.certificate;
    const notBefore = readPkixTime(this.der, nbTlv);
    const notAfter = readPkixTime(this.der, naTlv);
    const wellEncoded = (tlv: Tlv, date: Date | undefined): boolean =>
      date !== undefined && (tlv.tag === TAG.UTC_TIME) === date.getUTCFullYear() < 2050;
    if (!wellEncoded(nbTlv, notBefore) || !wellEncoded(naTlv, notAfter)) {
      this.fail(
        'validity-encoding',
        'A validity time is not in the form RFC 5280 requires (UTCTime through 2049, GeneralizedTime after, YYMMDDHHMMSSZ).',
      );
    }
    if (!notBefore || !notAfter) {
      return;
    }
    if (notBefore.getTime() >= notAfter.getTime()) {
      this.fail(
        'validity-order',
        `notBefore (${notBefore.toISOString()}) is not before notAfter (${notAfter.toISOString()}).`,
      );
    }
    const { notBefore: issuerFrom, notAfter: issuerTo } = this.issuer;
    if (
      !issuerFrom ||
      !issuerTo ||
      notBefore.getTime() < issuerFrom.getTime() ||
      notAfter.getTime() > issuerTo.getTime()
    ) {
      this.fail(
        'validity-within-issuer',
        `The validity ${notBefore.toISOString()} to ${notAfter.toISOString()} is not within the issuer's (${issuerFrom?.toISOString() ?? '?'} to ${issuerTo?.toISOString() ?? '?'}).`,
      );
    }
  }

  private publicKey(): void {
    const [algorithm, keyBits] = childTlvs(this.der, this.certificate.spki);
    const [algorithmOid, parameters, ...rest] = algorithm ? childTlvs(this.der, algorithm) : [];
    const oid = algorithmOid?.tag === TAG.OID ? oidText(this.content(algorithmOid)) : '';
    const bits = keyBits?.tag === TAG.BIT_STRING ? this.content(keyBits) : Buffer.alloc(0);
    const bad = (why: string): void => this.fail('public-key', why);
    if (bits[0] !== 0 || rest.length > 0) {
      bad('The SubjectPublicKeyInfo is malformed.');
      return;
    }
    if (oid === OID.rsaEncryption) {
      if (parameters?.tag !== TAG.NULL || parameters.end !== parameters.contentStart) {
        bad('An RSA key must carry NULL parameters (RFC 3279 2.3.1).');
        return;
      }
      const rsaKey = readTlv(bits, 1);
      const modulus = childTlvs(bits, rsaKey)[0];
      const n = modulus ? contentOf(bits, modulus) : Buffer.alloc(0);
      const bytes = n[0] === 0 ? n.length - 1 : n.length;
      const size = RSA_SIZES.find((s) => s === bytes * 8);
      if (size === undefined || rsaKey.end !== bits.length) {
        bad(`The RSA modulus has ${bytes * 8} bits: 2048, 3072 or 4096 are issued.`);
        return;
      }
      this.key = { algorithm: 'RSA', size };
      return;
    }
    if (oid === OID.ecPublicKey) {
      const curveOid = parameters?.tag === TAG.OID ? oidText(this.content(parameters)) : undefined;
      const curve = curveOid ? EC_CURVES[curveOid] : undefined;
      if (!curve) {
        bad('An EC key must name the curve P-256 or P-384 (no explicit parameters: RFC 5480 2.1.1).');
        return;
      }
      if (bits[1] !== 0x04 || bits.length !== 1 + curve.pointLength) {
        bad('An EC key must be an uncompressed point of its curve.');
        return;
      }
      this.key = { algorithm: 'EC', curve: curve.curve };
      return;
    }
    bad(`The key algorithm ${oid || '(unreadable)'} is not RSA or EC.`);
  }

  private subject(): void {
    for (const rdn of childTlvs(this.der, this.certificate.subject)) {
      const atvs = childTlvs(this.der, rdn);
      if (rdn.tag !== TAG.SET || atvs.length !== 1 || !atvs[0]) {
        this.fail('subject-attribute-type', 'A subject RDN is not single-valued.');
        continue;
      }
      const [typeNode, valueNode] = childTlvs(this.der, atvs[0]);
      if (typeNode?.tag !== TAG.OID || !valueNode) {
        this.fail('subject-attribute-type', 'A subject attribute is malformed.');
        continue;
      }
      this.attribute(oidText(this.content(typeNode)), valueNode);
    }
  }

  private attribute(oid: string, node: Tlv): void {
    const label = LABELS[oid] ?? oid;
    const bytes = this.content(node);
    let value: string | undefined;
    if (node.tag === TAG.UTF8_STRING && oid !== OID.countryName && oid !== OID.emailAddress) {
      try {
        value = utf8.decode(bytes);
      } catch {
        value = undefined;
      }
    } else if (node.tag === TAG.PRINTABLE_STRING && oid !== OID.emailAddress) {
      value = bytes.toString('latin1');
      value = PRINTABLE.test(value) ? value : undefined;
    } else if (node.tag === TAG.IA5_STRING && oid === OID.emailAddress) {
      value = bytes.toString('latin1');
      // eslint-disable-next-line no-control-regex -- IA5String is 7-bit ASCII
      value = /^[\x00-\x7f]*$/.test(value) ? value : undefined;
    }
    if (value === undefined) {
      const expected =
        oid === OID.countryName
          ? 'a PrintableString'
          : oid === OID.emailAddress
            ? 'an IA5String'
            : 'a UTF8String or PrintableString';
      this.fail(
        'subject-attribute-type',
        `Subject ${label} must be ${expected} holding only characters of that type (tag 0x${node.tag.toString(16)}).`,
      );
      return;
    }
    if (oid === OID.commonName) {
      this.commonName = value;
    }
    const length = characterCount(value);
    const bound = UPPER_BOUNDS[oid];
    if (length === 0 || (bound !== undefined && length > bound) || (oid === OID.countryName && length !== 2)) {
      this.fail(
        'subject-attribute-length',
        `Subject ${label} has ${length} characters (${oid === OID.countryName ? 'exactly 2' : `1 to ${bound ?? 'any'}`} allowed).`,
      );
    }
    const forbidden = forbiddenCharacter(value);
    if (forbidden !== undefined) {
      this.fail('subject-characters', `Subject ${label} contains ${forbidden}.`);
    }
  }

  private uniqueExtensions(): void {
    for (const extension of this.certificate.extensions) {
      if (this.extensions.has(extension.oid)) {
        this.fail('extensions-unique', `The extension ${extension.oid} appears more than once.`);
      }
      this.extensions.set(extension.oid, extension);
    }
  }

  private basicConstraints(): void {
    const extension = this.extensions.get(OID.basicConstraints);
    const items = extension?.value.tag === TAG.SEQUENCE ? childTlvs(this.der, extension.value) : undefined;
    const caNode = items?.[0]?.tag === TAG.BOOLEAN ? items[0] : undefined;
    // DER leaves out a DEFAULT FALSE: a present cA must be TRUE (0xff).
    const ca = caNode !== undefined && caNode.end - caNode.contentStart === 1 && this.der[caNode.contentStart] === 0xff;
    const wellFormed = items !== undefined && (caNode === undefined || ca) && items.length <= (caNode ? 2 : 1);
    if (this.leaf && (!wellFormed || items.length > 0)) {
      this.fail(
        'basic-constraints',
        'An end-entity certificate needs basicConstraints with cA false and no path length.',
      );
    }
    if (!this.leaf && (!wellFormed || !ca || !extension?.critical)) {
      this.fail('basic-constraints', 'A CA certificate needs a critical basicConstraints with cA true.');
    }
  }

  private keyUsage(): void {
    const extension = this.extensions.get(OID.keyUsage);
    if (extension?.value.tag !== TAG.BIT_STRING || !extension.critical || this.content(extension.value).length < 2) {
      this.fail('key-usage', 'keyUsage must be present, critical, and name at least one usage.');
      return;
    }
    const bits = this.content(extension.value);
    const usages = KU_NAMES.filter(([, bit]) => ((bits[1 + (bit >> 3)] ?? 0) & (0x80 >> (bit & 7))) !== 0).map(
      ([name]) => name,
    );
    const has = (usage: KeyUsage): boolean => usages.includes(usage);
    if (this.key?.algorithm === 'EC' && (has('keyEncipherment') || has('dataEncipherment'))) {
      this.fail(
        'key-usage-key-type',
        'An EC key cannot encipher: keyEncipherment and dataEncipherment are not allowed (RFC 8813).',
      );
    }
    if (this.key?.algorithm === 'RSA' && has('keyAgreement')) {
      this.fail('key-usage-key-type', 'An RSA key does no key agreement: keyAgreement is not allowed.');
    }
    if ((has('encipherOnly') || has('decipherOnly')) && !has('keyAgreement')) {
      this.fail('key-usage-key-type', 'encipherOnly and decipherOnly need keyAgreement.');
    }
    const profile = this.options.profile;
    if (profile && this.key) {
      const expected = profile.keyUsage(this.key);
      if (!sameSet(usages, expected)) {
        this.fail(
          'key-usage-profile',
          `The key usages are ${usages.join(', ')}; the ${profile.name} profile gives ${expected.join(', ')} to this key.`,
        );
      }
    } else if (!profile && (!has('keyCertSign') || !has('cRLSign'))) {
      this.fail('key-usage-profile', 'A CA certificate needs keyCertSign and cRLSign.');
    }
  }

  private extendedKeyUsage(): void {
    const profile = this.options.profile;
    const extension = this.extensions.get(OID.extKeyUsage);
    const oids =
      extension?.value.tag === TAG.SEQUENCE
        ? childTlvs(this.der, extension.value).map((n) => oidText(this.content(n)))
        : [];
    if (oids.includes(OID.anyExtendedKeyUsage)) {
      this.fail('extended-key-usage', 'anyExtendedKeyUsage is never issued.');
    }
    if (profile) {
      const expected = profile.extendedKeyUsage.map((e) => EXTENDED_KEY_USAGES[e]);
      if (!extension || !sameSet(oids, expected)) {
        this.fail(
          'extended-key-usage',
          `The extended key usages are ${oids.join(', ') || 'absent'}; the ${profile.name} profile gives ${expected.join(', ')}.`,
        );
      }
    }
  }

  private subjectAltName(): void {
    const extension = this.extensions.get(OID.subjectAltName);
    const names = extension?.value.tag === TAG.SEQUENCE ? childTlvs(this.der, extension.value) : [];
    if (extension && names.length === 0) {
      this.fail('san-dns-cn', 'subjectAltName is present but empty.');
    }
    if (!this.options.profile?.dnsCommonName) {
      return;
    }
    const dnsNames = names.filter((n) => n.tag === 0x82).map((n) => this.content(n).toString('latin1').toLowerCase());
    if (dnsNames.length === 0) {
      this.fail(
        'san-dns-cn',
        `The ${this.options.profile.name} profile names a host: subjectAltName must list its dNSNames.`,
      );
    } else if (this.commonName !== undefined && !dnsNames.includes(this.commonName.toLowerCase())) {
      this.fail(
        'san-dns-cn',
        `The common name ${JSON.stringify(this.commonName)} is not among the subjectAltName's dNSNames.`,
      );
    }
  }

  private keyIdentifiers(): void {
    const ski = this.extensions.get(OID.subjectKeyIdentifier);
    if (ski?.value.tag !== TAG.OCTET_STRING || ski.critical || this.content(ski.value).length === 0) {
      this.fail('ski-present', 'subjectKeyIdentifier must be present, non-critical, and not empty.');
    }
    const aki = this.extensions.get(OID.authorityKeyIdentifier);
    if (!aki && this.root) {
      return; // RFC 5280 4.2.1.1: a self-signed certificate may leave it out
    }
    const keyIdNode =
      aki?.value.tag === TAG.SEQUENCE ? childTlvs(this.der, aki.value).find((n) => n.tag === 0x80) : undefined;
    const expected = this.issuer.keyId;
    if (!aki || aki.critical || !keyIdNode || !expected || !this.content(keyIdNode).equals(expected)) {
      this.fail(
        'aki-issuer-ski',
        "authorityKeyIdentifier must be present, non-critical, and hold the issuer's subjectKeyIdentifier.",
      );
    }
  }

  private revocationPointers(): void {
    const noCheck = this.extensions.has(OID.ocspNoCheck);
    const responder = this.options.profile?.ocspNoCheck === true;
    if (noCheck !== responder) {
      this.fail(
        'ocsp-nocheck',
        responder
          ? 'A delegated OCSP responder needs id-pkix-ocsp-nocheck.'
          : 'Only a delegated OCSP responder carries id-pkix-ocsp-nocheck.',
      );
    }
    if (this.root || responder) {
      return;
    }
    const cdp = this.extensions.get(OID.crlDistributionPoints);
    if (!cdp || !this.uris(cdp.value).some((u) => u.startsWith('http://'))) {
      this.fail(
        'crl-distribution-points',
        'cRLDistributionPoints with an http URI is missing: relying parties that check revocation refuse the certificate.',
      );
    }
    const aia = this.extensions.get(OID.authorityInfoAccess);
    const methods = aia?.value.tag === TAG.SEQUENCE ? childTlvs(this.der, aia.value) : [];
    const uriFor = (method: string): boolean =>
      methods.some((description) => {
        const [methodNode, location] = childTlvs(this.der, description);
        return (
          methodNode?.tag === TAG.OID &&
          oidText(this.content(methodNode)) === method &&
          location?.tag === 0x86 &&
          this.content(location).toString('latin1').startsWith('http://')
        );
      });
    if (!uriFor(OID.ocsp) || !uriFor(OID.caIssuers)) {
      this.fail(
        'authority-info-access',
        'authorityInfoAccess with an http OCSP URI and an http caIssuers URI is missing.',
      );
    }
  }

  /** Every uniformResourceIdentifier ([6]) anywhere under a TLV. */
  private uris(tlv: Tlv): string[] {
    if (tlv.tag === 0x86) {
      return [this.content(tlv).toString('latin1')];
    }
    return (tlv.tag & 0x20) !== 0 ? childTlvs(this.der, tlv).flatMap((child) => this.uris(child)) : [];
  }
}
