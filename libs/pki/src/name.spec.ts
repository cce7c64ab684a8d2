import { OID, toRfc4514, toWindowsStyle, nameToDer, readName, checkAttribute, type DistinguishedName } from './index';
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
    const tricky = name([[OID.organizationName, '#Acme, Inc. "Q" '], [OID.commonName, 'a+b;c<d>e\\f']]);
    expect(toRfc4514(tricky)).toBe('CN=a\\+b\\;c\\<d\\>e\\\\f,O=\\#Acme\\, Inc. \\"Q\\"\\ ');
    expect(toWindowsStyle(tricky)).toBe('CN="a+b;c<d>e\\f", O="#Acme, Inc. ""Q"" "');
  });

  it('writes emailAddress as a dotted OID with its DER value, as RFC 4514 requires', () => {
    expect(toRfc4514(name([[OID.emailAddress, 'a@b.c']]))).toBe('1.2.840.113549.1.9.1=#1605614062e2e63'.replace('e2e63', '2e63'));
  });

  it('round-trips through DER with C as PrintableString and UTF-8 elsewhere', () => {
    const withAccents = name([[OID.countryName, 'FR'], [OID.localityName, 'Orléans']]);
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
  ])('refuses %s = %j', (oid, value) => {
    expect(() => checkAttribute({ oid, value })).toThrow(expect.objectContaining({ code: 'SUBJECT_INVALID' }));
  });
});
