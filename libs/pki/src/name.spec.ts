import { execFileSync } from 'node:child_process';
import {
  OID,
  parseRfc4514,
  toRfc4514,
  toWindowsStyle,
  nameToDer,
  readName,
  checkAttribute,
  type DistinguishedName,
} from './index';
import { fromDer, toBinary } from './der';

const name = (pairs: [string, string][]): DistinguishedName => pairs.map(([oid, value]) => ({ oid, value }));

describe('names', () => {
  const sample = name([
    [OID.countryName, 'FR'],
    [OID.stateOrProvinceName, 'Ile-de-France'],
    [OID.localityName, 'Paris'],
    [OID.organizationName, 'J1CFRA'],
    [OID.organizationalUnitName, 'Workstation'],
    [OID.commonName, 'A1B2C3'],
  ]);

  it('writes RFC 4514, most specific first', () => {
    expect(toRfc4514(sample)).toBe('CN=A1B2C3,OU=Workstation,O=J1CFRA,L=Paris,ST=Ile-de-France,C=FR');
  });

  it('writes the Windows style with S for the state', () => {
    expect(toWindowsStyle(sample)).toBe('CN=A1B2C3, OU=Workstation, O=J1CFRA, L=Paris, S=Ile-de-France, C=FR');
  });

  it('escapes RFC 4514 specials and quotes Windows values that need it', () => {
    const tricky = name([
      [OID.organizationName, '#Acme, Inc. "Q" '],
      [OID.commonName, 'a+b;c<d>e\\f'],
    ]);
    expect(toRfc4514(tricky)).toBe('CN=a\\+b\\;c\\<d\\>e\\\\f,O=\\#Acme\\, Inc. \\"Q\\"\\ ');
    expect(toWindowsStyle(tricky)).toBe('CN="a+b;c<d>e\\f", O="#Acme, Inc. ""Q"" "');
  });

  it('writes emailAddress as a dotted OID with its DER value, as RFC 4514 requires', () => {
    expect(toRfc4514(name([[OID.emailAddress, 'a@b.c']]))).toBe(
      '1.2.840.113549.1.9.1=#1605614062e2e63'.replace('e2e63', '2e63'),
    );
  });

  it('round-trips through DER with C as PrintableString and UTF-8 elsewhere', () => {
    const withAccents = name([
      [OID.countryName, 'FR'],
      [OID.localityName, 'Orléans'],
    ]);
    const der = nameToDer(withAccents);
    expect(der.includes(Buffer.from([0x13, 0x02, 0x46, 0x52]))).toBe(true);
    expect(readName(fromDer(toBinary(der)))).toEqual(withAccents);
  });

  it.each([
    [OID.countryName, 'France'],
    [OID.countryName, 'fr'],
    [OID.commonName, ''],
    [OID.commonName, 'x'.repeat(65)],
    [OID.localityName, 'line\nbreak'],
    [OID.localityName, 'Paris\u0085'],
    [OID.localityName, 'Paris\u202e'],
    [OID.stateOrProvinceName, '\u202aIle-de-France\u202c'],
    [OID.organizationName, 'Acme\u2066Corp\u2069'],
    [OID.organizationalUnitName, 'Server\u200e'],
    [OID.commonName, 'api\u200f.example.org'],
    [OID.commonName, 'api\u061c.example.org'],
    [OID.commonName, 'api\u200b.example.org'],
    [OID.commonName, 'api\u200c.example.org'],
    [OID.commonName, 'api\u200d.example.org'],
    [OID.commonName, 'api\u2060.example.org'],
    [OID.commonName, '\ufeffapi.example.org'],
    [OID.emailAddress, 'a@b.example,CN=admin'],
    [OID.emailAddress, 'a@b@c.example'],
    [OID.emailAddress, 'a b@c.example'],
    [OID.emailAddress, '"a"@c.example'],
    [OID.emailAddress, 'ops@example.org '],
    [OID.emailAddress, 'Admin <a@c.example>'],
    [OID.emailAddress, 'a..b@c.example'],
    [OID.emailAddress, '.a@c.example'],
    [OID.emailAddress, 'a@c'],
    [OID.emailAddress, 'a@-c.example'],
    [OID.emailAddress, `${'a'.repeat(65)}@c.example`],
  ])('refuses %s = %j', (oid, value) => {
    expect(() => checkAttribute({ oid, value })).toThrow(expect.objectContaining({ code: 'SUBJECT_INVALID' }));
  });

  it.each(['jdupont@example.org', 'ops+pki@mail.example.org', "o'brien@example.ie", 'a_b-c.d@sub.example.co.uk'])(
    'accepts the e-mail address %j',
    (value) => {
      expect(() => checkAttribute({ oid: OID.emailAddress, value })).not.toThrow();
    },
  );

  it('says which attribute is wrong and why', () => {
    expect(() => checkAttribute({ oid: OID.localityName, value: 'Paris\u202e' })).toThrow(
      'Subject L contains a bidirectional control character, which can make the name read differently from its bytes (U+202E).',
    );
    expect(() => checkAttribute({ oid: OID.stateOrProvinceName, value: 'Ile\u200b' })).toThrow(
      /^Subject ST contains a zero-width character.*\(U\+200B\)\.$/,
    );
    expect(() => checkAttribute({ oid: OID.emailAddress, value: 'a@b.example,CN=admin' })).toThrow(
      /^Subject emailAddress must be one e-mail address/,
    );
  });
});

describe('parseRfc4514', () => {
  const email: DistinguishedName = [
    { oid: OID.countryName, value: 'FR' },
    { oid: OID.stateOrProvinceName, value: 'Île-de-France' },
    { oid: OID.organizationName, value: '#Acme, Inc. "Q" ' },
    { oid: OID.commonName, value: 'a+b;c<d>e\\f' },
    { oid: OID.emailAddress, value: 'alice@laposte.example' },
  ];

  it('reads back what toRfc4514 writes, e-mail (a dotted OID and DER hex) included', () => {
    const text = toRfc4514(email);
    expect(text).toMatch(/^1\.2\.840\.113549\.1\.9\.1=#1615616c696365/);
    expect(parseRfc4514(text)).toEqual(email);
    expect(toWindowsStyle(parseRfc4514(text))).toBe(
      'E=alice@laposte.example, CN="a+b;c<d>e\\f", O="#Acme, Inc. ""Q"" ", S=Île-de-France, C=FR',
    );
  });

  it('reads what OpenSSL writes (RFC 2253, UTF-8 as hex escapes, emailAddress by name)', () => {
    const pem = execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        '/dev/null',
        '-subj',
        '/C=FR/ST=Île-de-France/O=Acme\\, Inc./CN=api.example/emailAddress=a@example.org',
        '-utf8',
      ],
      { encoding: 'utf8' },
    );
    const printed = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], {
      input: pem,
      encoding: 'utf8',
    })
      .replace(/^subject=/, '')
      .trim();
    expect(parseRfc4514(printed)).toEqual([
      { oid: OID.countryName, value: 'FR' },
      { oid: OID.stateOrProvinceName, value: 'Île-de-France' },
      { oid: OID.organizationName, value: 'Acme, Inc.' },
      { oid: OID.commonName, value: 'api.example' },
      { oid: OID.emailAddress, value: 'a@example.org' },
    ]);
  });

  it.each([
    ['CN', /without "="/],
    ['XX=1', /unknown attribute type "XX"/],
    ['CN=a,', /nothing after the last separator/],
    ['1.2.3=#zz', /not hex/],
    ['1.2.3=#0605', /bad DER length/],
    ['1.2.3=#020101', /not a string/],
    ['CN=a\\', /at the end/],
  ])('refuses %s', (text, why) => {
    expect(() => parseRfc4514(text)).toThrow(why);
  });
});
