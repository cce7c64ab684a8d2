import { createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import {
  asn1,
  Class,
  encode,
  explicit,
  node,
  oid,
  raw,
  seq,
  set,
  smallInteger,
  time,
  Type,
  unsignedInteger,
  type Asn1,
} from './der';
import {
  signatureAlgorithmIdentifier,
  signedStructure,
  tbsCertificate,
  type CertificateTemplate,
} from './certificate-builder';
import {
  assertCertificateLint,
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  crlDistributionPointsExtension,
  extendedKeyUsageExtension,
  extensionToAsn1,
  issueCertificate,
  keyIdentifier,
  keyUsageExtension,
  LINT_RULES,
  lintCertificate,
  nameToDer,
  OID,
  ocspNoCheckExtension,
  parseCsr,
  PROFILES,
  profileExtensions,
  signCertificate,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
  type CertificateAuthority,
  type Extension,
  type IssueRequest,
  type KeyAlgorithm,
  type LintRule,
  type Profile,
  type ProfileInput,
  type ProfileName,
  type Signer,
} from './index';
import { certPem, fixture, NOW, openssl, opensslText, scratch, testCa, URLS } from '../test/support';

const work = scratch();
afterAll(() => work.cleanup());

const DAY = 86_400_000;
const SERVER_INPUT: ProfileInput = {
  commonName: 'api.example.org',
  organizationCode: 'J1CFRA',
  country: 'FR',
  locality: 'Paris',
};

/** Inputs that each profile accepts, for the all-profiles run. */
const INPUTS: Readonly<Record<ProfileName, ProfileInput>> = {
  workstation: { commonName: '001A2B3C4D5EBFEBFBFF000906EA0001', organizationCode: 'J1CFRA', country: 'FR' },
  server: SERVER_INPUT,
  external: { ...SERVER_INPUT, commonName: 'www.example.org' },
  mobile: { commonName: 'IMEI-356938035643809', organizationCode: 'J1CFRA', country: 'FR' },
  manager: { commonName: 'jdupont', email: 'jdupont@example.org', organizationCode: 'J1CFRA', country: 'FR' },
  'tls-server': {
    commonName: 'enroll.example.org',
    dnsNames: ['localhost', 'enroll.example.org'],
    ipAddresses: ['127.0.0.1'],
  },
  'ocsp-responder': { commonName: 'Enroll OCSP Responder' },
};

/** The rules a certificate breaks under the test CA's issuing certificate; `null` lints it as a CA certificate. */
const rulesOf = (der: Buffer, ca: CertificateAuthority, profile: Profile | null = PROFILES.server): LintRule[] =>
  lintCertificate(der, { issuer: ca.issuing.x509, ...(profile ? { profile } : {}) }).map((f) => f.rule);

/** An IssueRequest for the P-256 fixture key under a profile (the good case every fixture departs from). */
function request(ca: CertificateAuthority, profile: Profile = PROFILES.server, keyFixture = 'p256.csr'): IssueRequest {
  return {
    profile,
    input: SERVER_INPUT,
    subjectKey: parseCsr(fixture(keyFixture)),
    authority: ca.authority,
    urls: URLS,
    now: NOW,
  };
}

/** The template the issuer would build, with some parts replaced. */
function template(
  ca: CertificateAuthority,
  parts: Partial<CertificateTemplate> = {},
  base = request(ca),
): CertificateTemplate {
  return {
    serial: randomBytes(16),
    issuerName: ca.authority.subjectName,
    subjectName: nameToDer([
      { oid: OID.countryName, value: 'FR' },
      { oid: OID.localityName, value: 'Paris' },
      { oid: OID.organizationName, value: 'J1CFRA' },
      { oid: OID.commonName, value: 'api.example.org' },
    ]),
    notBefore: new Date(NOW.getTime() - 300_000),
    notAfter: new Date(NOW.getTime() + 397 * DAY),
    spki: base.subjectKey.spki,
    extensions: profileExtensions(base),
    ...parts,
  };
}

/** Signs a template with the CA's key, in a given signature algorithm (default the signer's own). */
async function signed(
  ca: CertificateAuthority,
  t: CertificateTemplate,
  algorithmOid = ca.authority.signer.algorithmOid,
): Promise<Buffer> {
  const tbs = tbsCertificate(t, algorithmOid);
  return signedStructure(tbs, algorithmOid, await ca.authority.signer.sign(tbs));
}

/** A hand-made TBSCertificate, for what the builders refuse to write; fields default to the template's. */
async function handMade(
  ca: CertificateAuthority,
  fields: {
    version?: Asn1 | null;
    serial?: Asn1;
    validity?: Asn1;
    subject?: Asn1;
    tbsAlgorithm?: string;
    outerAlgorithm?: string;
  },
): Promise<Buffer> {
  const t = template(ca);
  const algorithm = ca.authority.signer.algorithmOid;
  const items = [
    fields.version === null ? undefined : (fields.version ?? explicit(0, smallInteger(2))),
    fields.serial ?? unsignedInteger(t.serial),
    signatureAlgorithmIdentifier(fields.tbsAlgorithm ?? algorithm),
    raw(t.issuerName),
    fields.validity ?? seq([time(t.notBefore), time(t.notAfter)]),
    fields.subject ?? raw(t.subjectName),
    raw(t.spki),
    explicit(3, seq(t.extensions.map(extensionToAsn1))),
  ].filter((item): item is Asn1 => item !== undefined);
  const tbs = encode(seq(items));
  return signedStructure(
    tbs,
    fields.outerAlgorithm ?? fields.tbsAlgorithm ?? algorithm,
    await ca.authority.signer.sign(tbs),
  );
}

const utf8Value = (value: string): Asn1 =>
  node(Class.UNIVERSAL, Type.UTF8, false, Buffer.from(value, 'utf8').toString('binary'));
/** A Name from (OID, value node) pairs, written without the checks of nameToDer. */
const rawName = (pairs: [string, Asn1][]): Asn1 => seq(pairs.map(([o, v]) => set([seq([oid(o), v])])));
const goodName = (extra: [string, Asn1][] = []): Asn1 =>
  rawName([
    [OID.countryName, node(Class.UNIVERSAL, Type.PRINTABLESTRING, false, 'FR')],
    ...extra,
    [OID.commonName, utf8Value('api.example.org')],
  ]);

const without = (extensions: readonly Extension[], extensionOid: string): Extension[] =>
  extensions.filter((e) => e.oid !== extensionOid);
const replacing = (extensions: readonly Extension[], extension: Extension): Extension[] =>
  extensions.map((e) => (e.oid === extension.oid ? extension : e));

/** A CA certificate template under the test CA's issuing key (for the CA-only rules). */
function caTemplate(ca: CertificateAuthority, keyUsage: Extension): CertificateTemplate {
  const spki = createPublicKey(fixture('p256.key')).export({ format: 'der', type: 'spki' });
  return template(ca, {
    extensions: [
      basicConstraintsExtension(true, 0),
      keyUsage,
      subjectKeyIdentifierExtension(keyIdentifier(spki)),
      authorityKeyIdentifierExtension(ca.authority.keyId),
      crlDistributionPointsExtension(URLS.crl),
      authorityInfoAccessExtension(URLS.ocsp, URLS.caIssuers),
    ],
    spki,
  });
}

describe('lintCertificate: every profile, RSA and EC keys, RSA and EC issuers', () => {
  const profiles = Object.keys(PROFILES) as ProfileName[];
  const cases = (['RSA-2048', 'EC-P256'] as KeyAlgorithm[]).flatMap((caKey) =>
    profiles.flatMap((profile) => ['rsa2048.csr', 'p256.csr', 'p384.csr'].map((csr) => [caKey, profile, csr] as const)),
  );

  it.each(cases)('%s CA, %s profile, key of %s: issued, and clean', async (caKey, profile, csr) => {
    const ca = await testCa(caKey);
    const issued = await issueCertificate({ ...request(ca, PROFILES[profile], csr), input: INPUTS[profile] });
    expect(lintCertificate(issued.der, { issuer: ca.issuing.x509, profile: PROFILES[profile] })).toEqual([]);
    expect(new X509Certificate(issued.der).checkIssued(ca.issuing.x509)).toBe(true);
  });

  it('lints the root the library makes clean; the issuing CA breaks no rule but, until ca.ts adds them, CDP and AIA', async () => {
    const ca = await testCa();
    expect(lintCertificate(ca.root.der)).toEqual([]);
    const issuing = lintCertificate(ca.issuing.der, { issuer: ca.root.x509 }).map((f) => f.rule);
    expect(issuing.filter((rule) => rule !== 'crl-distribution-points' && rule !== 'authority-info-access')).toEqual(
      [],
    );
  });

  it('lints a subordinate CA with CDP and AIA, made with the library builders, clean', async () => {
    const ca = await testCa();
    const der = await signed(ca, caTemplate(ca, keyUsageExtension(['digitalSignature', 'keyCertSign', 'cRLSign'])));
    expect(lintCertificate(der, { issuer: ca.issuing.x509 })).toEqual([]);
  });
});

describe('lintCertificate: one negative fixture per rule', () => {
  let rsa: CertificateAuthority;
  let ec: CertificateAuthority;
  beforeAll(async () => {
    [rsa, ec] = await Promise.all([testCa('RSA-2048'), testCa('EC-P256')]);
  }, 60_000);

  it('the base fixture is clean', async () => {
    expect(rulesOf(await signed(rsa, template(rsa)), rsa)).toEqual([]);
  });

  type Fixture = () => Promise<{ der: Buffer; ca?: CertificateAuthority; profile?: Profile | null }>;
  const fixtures: Record<LintRule, Fixture> = {
    'der-structure': async () => ({ der: (await signed(rsa, template(rsa))).subarray(0, 200) }),
    version: async () => ({ der: await handMade(rsa, { version: null }) }),
    'serial-positive': async () => ({
      der: await handMade(rsa, {
        serial: asn1.create(Class.UNIVERSAL, Type.INTEGER, false, `\x80${'\x11'.repeat(15)}`),
      }),
    }),
    'serial-length': async () => ({ der: await signed(rsa, template(rsa, { serial: Buffer.alloc(21, 0x31) })) }),
    'serial-entropy': async () => ({
      der: await signed(rsa, template(rsa, { serial: Buffer.from('0102030405060708', 'hex') })),
    }),
    'signature-algorithm-match': async () => ({
      der: await handMade(rsa, {
        tbsAlgorithm: OID.sha256WithRSAEncryption,
        outerAlgorithm: OID.sha384WithRSAEncryption,
      }),
    }),
    'signature-algorithm-issuer-key': async () => ({ der: await handMade(rsa, { tbsAlgorithm: OID.ecdsaWithSHA256 }) }),
    'validity-encoding': async () => ({
      der: await handMade(rsa, {
        validity: seq([
          asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, '20261124115500Z'),
          asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, '271201000000Z'),
        ]),
      }),
    }),
    'validity-order': async () => ({
      der: await handMade(rsa, { validity: seq([time(new Date(NOW.getTime() + DAY)), time(NOW)]) }),
    }),
    'validity-within-issuer': async () => ({
      der: await signed(rsa, template(rsa, { notAfter: new Date(NOW.getTime() + 20 * 365 * DAY) })),
    }),
    'public-key': async () => ({
      // The compressed point the CSR sent, inserted as it came instead of its canonical form.
      der: await signed(rsa, template(rsa, {}, request(rsa, PROFILES.server, 'p256-compressed.csr'))),
    }),
    'subject-attribute-type': async () => ({
      der: await handMade(rsa, {
        subject: rawName([
          [OID.countryName, utf8Value('FR')],
          [OID.commonName, utf8Value('api.example.org')],
        ]),
      }),
    }),
    'subject-attribute-length': async () => ({
      der: await handMade(rsa, { subject: goodName([[OID.localityName, utf8Value('L'.repeat(129))]]) }),
    }),
    'subject-characters': async () => ({
      der: await handMade(rsa, { subject: goodName([[OID.localityName, utf8Value('Paris\u202e')]]) }),
    }),
    'extensions-unique': async () => {
      const t = template(rsa);
      const ski = t.extensions.find((e) => e.oid === OID.subjectKeyIdentifier);
      return { der: await signed(rsa, { ...t, extensions: [...t.extensions, ...(ski ? [ski] : [])] }) };
    },
    'basic-constraints': async () => {
      const t = template(rsa);
      return { der: await signed(rsa, { ...t, extensions: replacing(t.extensions, basicConstraintsExtension(true)) }) };
    },
    'key-usage': async () => {
      const t = template(rsa);
      return {
        der: await signed(rsa, {
          ...t,
          extensions: replacing(t.extensions, {
            ...keyUsageExtension(['digitalSignature', 'keyAgreement']),
            critical: false,
          }),
        }),
      };
    },
    'key-usage-key-type': async () => ({
      // A CA certificate (no profile) for an EC key that claims keyEncipherment.
      der: await signed(
        rsa,
        caTemplate(rsa, keyUsageExtension(['digitalSignature', 'keyEncipherment', 'keyCertSign', 'cRLSign'])),
      ),
      profile: null,
    }),
    'key-usage-profile': async () => {
      const base = request(rsa, PROFILES.server, 'rsa2048.csr');
      const t = template(rsa, {}, base);
      return {
        der: await signed(rsa, { ...t, extensions: replacing(t.extensions, keyUsageExtension(['digitalSignature'])) }),
      };
    },
    'extended-key-usage': async () => {
      const t = template(rsa);
      return {
        der: await signed(rsa, {
          ...t,
          extensions: replacing(t.extensions, extendedKeyUsageExtension([OID.serverAuth])),
        }),
      };
    },
    'san-dns-cn': async () => {
      const t = template(rsa);
      return {
        der: await signed(rsa, {
          ...t,
          extensions: replacing(t.extensions, subjectAltNameExtension([{ type: 'dns', value: 'other.example.org' }])),
        }),
      };
    },
    'ski-present': async () => {
      const t = template(rsa);
      return { der: await signed(rsa, { ...t, extensions: without(t.extensions, OID.subjectKeyIdentifier) }) };
    },
    'aki-issuer-ski': async () => {
      const t = template(rsa);
      return {
        der: await signed(rsa, {
          ...t,
          extensions: replacing(t.extensions, authorityKeyIdentifierExtension(Buffer.alloc(20, 7))),
        }),
      };
    },
    'crl-distribution-points': async () => {
      const t = template(rsa);
      return { der: await signed(rsa, { ...t, extensions: without(t.extensions, OID.crlDistributionPoints) }) };
    },
    'authority-info-access': async () => {
      const t = template(rsa);
      return { der: await signed(rsa, { ...t, extensions: without(t.extensions, OID.authorityInfoAccess) }) };
    },
    'ocsp-nocheck': async () => {
      // The responder profile's certificate, without its id-pkix-ocsp-nocheck.
      const responder = { ...request(rsa, PROFILES['ocsp-responder']), input: INPUTS['ocsp-responder'] };
      const t = template(
        rsa,
        { subjectName: nameToDer([{ oid: OID.commonName, value: 'Enroll OCSP Responder' }]) },
        responder,
      );
      return {
        der: await signed(rsa, { ...t, extensions: without(t.extensions, OID.ocspNoCheck) }),
        profile: PROFILES['ocsp-responder'],
      };
    },
  };

  it.each(Object.keys(fixtures) as LintRule[])('%s: its fixture breaks that rule and no other', async (rule) => {
    const made = await fixtures[rule]();
    const profile = made.profile === undefined ? PROFILES.server : made.profile;
    expect(rulesOf(made.der, made.ca ?? rsa, profile)).toEqual([rule]);
    expect(() =>
      assertCertificateLint(made.der, { issuer: rsa.issuing.x509, ...(profile ? { profile } : {}) }),
    ).toThrow(
      expect.objectContaining({
        code: 'CERTIFICATE_LINT_FAILED',
        message: expect.stringContaining(`${rule}: `),
        details: expect.objectContaining({ rules: [rule] }),
      }),
    );
  });

  it('has a fixture for every rule', () => {
    expect(Object.keys(fixtures).sort()).toEqual(Object.keys(LINT_RULES).sort());
  });

  it('finds what openssl also sees: a negative serial, an EC key asked to encipher', async () => {
    expect(opensslText(certPem(await fixtures['serial-positive']().then((f) => f.der)))).toMatch(
      /Serial Number:\s*\(Negative\)/,
    );
    const t = template(ec);
    const bad = await signed(ec, {
      ...t,
      extensions: replacing(t.extensions, keyUsageExtension(['digitalSignature', 'keyEncipherment'])),
    });
    expect(rulesOf(bad, ec)).toEqual(['key-usage-key-type', 'key-usage-profile']);
    expect(opensslText(certPem(bad))).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
  });

  it('more fixtures for the server-name rule: no subjectAltName at all, and an IP address as CN', async () => {
    const t = template(rsa);
    expect(rulesOf(await signed(rsa, { ...t, extensions: without(t.extensions, OID.subjectAltName) }), rsa)).toEqual([
      'san-dns-cn',
    ]);
    const ipCn = await handMade(rsa, { subject: rawName([[OID.commonName, utf8Value('127.0.0.1')]]) });
    expect(rulesOf(ipCn, rsa)).toEqual(['san-dns-cn']);
  });

  it('a certificate for a server must not carry id-pkix-ocsp-nocheck', async () => {
    const t = template(rsa);
    expect(rulesOf(await signed(rsa, { ...t, extensions: [...t.extensions, ocspNoCheckExtension()] }), rsa)).toEqual([
      'ocsp-nocheck',
    ]);
  });

  it('the issuer lints before it signs: a profile that breaks a rule gets nothing signed', async () => {
    const signatures: Buffer[] = [];
    const spy: Signer = {
      ...rsa.authority.signer,
      sign: (data) => {
        signatures.push(data);
        return rsa.authority.signer.sign(data);
      },
    };
    const broken: Profile = { ...PROFILES.server, keyUsage: () => ['digitalSignature', 'keyEncipherment'] };
    const issue = issueCertificate({ ...request(rsa, broken), authority: { ...rsa.authority, signer: spy } });
    await expect(issue).rejects.toMatchObject({
      code: 'CERTIFICATE_LINT_FAILED',
      details: { rules: ['key-usage-key-type'] },
    });
    await expect(issue).rejects.toThrow(/RFC 8813/);
    expect(signatures).toHaveLength(0);
  });

  it('signCertificate lints first when asked (the seam for CA certificates): a root passes, a subordinate without CDP is not signed', async () => {
    const signatures: Buffer[] = [];
    const spy: Signer = {
      ...rsa.authority.signer,
      sign: (data) => {
        signatures.push(data);
        return rsa.authority.signer.sign(data);
      },
    };
    const spki = rsa.authority.signer.spki;
    const name = nameToDer([{ oid: OID.commonName, value: 'Lint Root' }]);
    const rootTemplate: CertificateTemplate = {
      ...template(rsa),
      issuerName: name,
      subjectName: name,
      spki,
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 365 * DAY),
      extensions: [
        basicConstraintsExtension(true),
        keyUsageExtension(['keyCertSign', 'cRLSign']),
        subjectKeyIdentifierExtension(keyIdentifier(spki)),
      ],
    };
    const root = await signCertificate(rootTemplate, spy, {});
    expect(lintCertificate(root)).toEqual([]);
    expect(signatures).toHaveLength(1);
    const subordinate = caTemplate(rsa, keyUsageExtension(['digitalSignature', 'keyCertSign', 'cRLSign']));
    await expect(
      signCertificate({ ...subordinate, extensions: without(subordinate.extensions, OID.crlDistributionPoints) }, spy, {
        issuer: rsa.issuing.x509,
      }),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_LINT_FAILED', details: { rules: ['crl-distribution-points'] } });
    expect(signatures).toHaveLength(1);
  });

  it('the fixtures are real certificates: openssl parses the signed ones', async () => {
    const der = await fixtures['crl-distribution-points']().then((f) => f.der);
    const file = work.write('no-cdp.pem', certPem(der));
    expect(openssl(['x509', '-in', file, '-noout', '-subject']).stdout).toMatch(/CN = api.example.org/);
  });
});
