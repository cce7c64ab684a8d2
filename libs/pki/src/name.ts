import { PkiError } from './errors';
import { OID } from './oids';
import { asn1, children, Class, encode, oid, readOid, seq, set, Type, type Asn1 } from './der';

/** One attribute of a distinguished name, in DER order. */
export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

/** A distinguished name as an ordered, read-only list of single-valued RDNs. */
export type DistinguishedName = readonly NameAttribute[];

const SHORT_NAMES: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.countryName]: 'C',
  [OID.streetAddress]: 'STREET',
  [OID.domainComponent]: 'DC',
  [OID.userId]: 'UID',
};

// The Windows certificate UI (and the APIs that copy it) write S for the state and E for e-mail.
const WINDOWS_NAMES: Readonly<Record<string, string>> = {
  ...SHORT_NAMES,
  [OID.stateOrProvinceName]: 'S',
  [OID.emailAddress]: 'E',
  [OID.serialNumber]: 'SERIALNUMBER',
  [OID.title]: 'T',
  [OID.givenName]: 'G',
  [OID.surname]: 'SN',
};

/**
 * Characters no subject value may hold, each with the reason a person reads in the refusal:
 * C0/C1 controls; Unicode's Bidi_Control characters (U+061C, U+200E/F, U+202A-U+202E,
 * U+2066-U+2069), which make a displayed name read differently from its bytes; and zero-width
 * characters (U+200B-U+200D, U+2060, U+FEFF), which make two different names look the same.
 */
const FORBIDDEN_CHARACTERS: readonly (readonly [RegExp, string])[] = [
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  [/[\u0000-\u001f\u007f-\u009f]/u, 'a control character'],
  [
    /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u,
    'a bidirectional control character, which can make the name read differently from its bytes',
  ],
  [/[\u200b-\u200d\u2060\ufeff]/u, 'a zero-width character, which can make two different names look the same'],
];

/** Characters as RFC 5280's upper bounds count them: code points, not UTF-16 code units. */
export const characterCount = (value: string): number =>
  value.length - (value.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0);

/** Why a value holds a character that no subject attribute may carry (with its code point), or undefined. */
export function forbiddenCharacter(value: string): string | undefined {
  for (const [pattern, reason] of FORBIDDEN_CHARACTERS) {
    const found = pattern.exec(value);
    if (found) {
      const codePoint = (found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      return `${reason} (U+${codePoint})`;
    }
  }
  return undefined;
}

/**
 * One e-mail address as RFC 5321/5322 write it without quoting or comments: a dot-atom local part
 * of at most 64 characters, '@', and a DNS domain of at least two labels. Anything else (a second
 * '@', a comma and more RDN text, spaces, quotes, angle brackets) is not one address.
 */
const EMAIL_ADDRESS =
  /^(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$/;

/** Whether a string is exactly one e-mail address (see EMAIL_ADDRESS). */
export const isEmailAddress = (value: string): boolean => EMAIL_ADDRESS.test(value);
/** The PrintableString alphabet (X.680 41.4). */
export const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
/** RFC 5280 appendix A upper bounds, in characters. */
export const UPPER_BOUNDS: Readonly<Record<string, number>> = {
  [OID.commonName]: 64,
  [OID.localityName]: 128,
  [OID.stateOrProvinceName]: 128,
  [OID.organizationName]: 64,
  [OID.organizationalUnitName]: 64,
  [OID.emailAddress]: 255,
  [OID.countryName]: 2,
};

/** Checks one attribute value against RFC 5280's upper bounds and our content rules. */
export function checkAttribute(attribute: NameAttribute): void {
  const label = SHORT_NAMES[attribute.oid] ?? (attribute.oid === OID.emailAddress ? 'emailAddress' : attribute.oid);
  if (attribute.value.length === 0) {
    throw new PkiError('SUBJECT_INVALID', `Subject ${label} is empty.`);
  }
  const forbidden = forbiddenCharacter(attribute.value);
  if (forbidden !== undefined) {
    throw new PkiError('SUBJECT_INVALID', `Subject ${label} contains ${forbidden}.`);
  }
  const bound = UPPER_BOUNDS[attribute.oid];
  if (bound !== undefined && characterCount(attribute.value) > bound) {
    throw new PkiError('SUBJECT_INVALID', `Subject ${label} is longer than ${bound} characters.`);
  }
  if (attribute.oid === OID.countryName && !/^[A-Z]{2}$/.test(attribute.value)) {
    throw new PkiError('SUBJECT_INVALID', 'Subject C must be an ISO 3166 two-letter code in capitals.');
  }
  if (attribute.oid === OID.emailAddress && !isEmailAddress(attribute.value)) {
    throw new PkiError(
      'SUBJECT_INVALID',
      `Subject emailAddress must be one e-mail address (local-part@domain, no spaces, quotes, commas or second '@'): ${JSON.stringify(attribute.value)}.`,
    );
  }
}

/**
 * Reads an X.501 Name. Only single-valued RDNs with UTF8String or PrintableString values
 * (IA5String for emailAddress, as PKCS #9 defines it) are accepted.
 */
export function readName(node: Asn1): DistinguishedName {
  if (node.tagClass !== Class.UNIVERSAL || node.type !== Type.SEQUENCE) {
    throw new PkiError('SUBJECT_INVALID', 'The subject is not a sequence of RDNs.');
  }
  return children(node).map((rdn) => {
    const atvs = children(rdn);
    if (rdn.type !== Type.SET || atvs.length !== 1) {
      throw new PkiError('SUBJECT_INVALID', 'Multi-valued RDNs are not accepted in a subject.');
    }
    const [typeNode, valueNode] = children(atvs[0]);
    const attrOid = readOid(typeNode);
    if (!attrOid || !valueNode || valueNode.tagClass !== Class.UNIVERSAL) {
      throw new PkiError('SUBJECT_INVALID', 'A subject attribute is malformed.');
    }
    const allowed =
      valueNode.type === Type.UTF8 ||
      valueNode.type === Type.PRINTABLESTRING ||
      (attrOid === OID.emailAddress && valueNode.type === Type.IA5STRING);
    if (!allowed) {
      throw new PkiError('SUBJECT_INVALID', 'Subject values must be UTF8String or PrintableString.');
    }
    const bytes = Buffer.from(valueNode.value as string, 'binary');
    const value =
      valueNode.type === Type.UTF8 ? new TextDecoder('utf-8', { fatal: true }).decode(bytes) : bytes.toString('latin1');
    if (valueNode.type === Type.PRINTABLESTRING && !PRINTABLE.test(value)) {
      throw new PkiError('SUBJECT_INVALID', 'A PrintableString subject value holds characters outside its alphabet.');
    }
    const attribute = { oid: attrOid, value };
    checkAttribute(attribute);
    return attribute;
  });
}

function valueNodeFor(attribute: NameAttribute): Asn1 {
  // RFC 5280 appendix A: countryName is PrintableString, emailAddress IA5String; UTF8String otherwise.
  if (attribute.oid === OID.countryName) {
    return asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, attribute.value);
  }
  if (attribute.oid === OID.emailAddress) {
    if (!/^[\x20-\x7e]+$/.test(attribute.value)) {
      throw new PkiError('SUBJECT_INVALID', 'emailAddress must be plain ASCII.');
    }
    return asn1.create(Class.UNIVERSAL, Type.IA5STRING, false, attribute.value);
  }
  return asn1.create(Class.UNIVERSAL, Type.UTF8, false, Buffer.from(attribute.value, 'utf8').toString('binary'));
}

/** Encodes a name to its ASN.1 form. Every value is checked first. */
export function nameToAsn1(name: DistinguishedName): Asn1 {
  return seq(
    name.map((attribute) => {
      checkAttribute(attribute);
      return set([seq([oid(attribute.oid), valueNodeFor(attribute)])]);
    }),
  );
}

export const nameToDer = (name: DistinguishedName): Buffer => encode(nameToAsn1(name));

/** The first value of an attribute, if present. */
export const nameValue = (name: DistinguishedName, attrOid: string): string | undefined =>
  name.find((a) => a.oid === attrOid)?.value;

function escape4514(value: string): string {
  let out = value.replace(/[\\"+,;<>]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) {
    out = `\\${out}`;
  }
  if (out.endsWith(' ')) {
    out = `${out.slice(0, -1)}\\ `;
  }
  return out;
}

/**
 * RFC 4514 string: RDNs in reverse DER order; types without a short name in RFC 4514's table
 * (emailAddress among them) are written as a dotted OID with the hex of their DER value.
 */
export function toRfc4514(name: DistinguishedName): string {
  return [...name]
    .reverse()
    .map((attribute) => {
      const short = SHORT_NAMES[attribute.oid];
      if (short) {
        return `${short}=${escape4514(attribute.value)}`;
      }
      return `${attribute.oid}=#${encode(valueNodeFor(attribute)).toString('hex')}`;
    })
    .join(',');
}

const OID_OF_SHORT_NAME: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(SHORT_NAMES).map(([attrOid, short]) => [short, attrOid])),
  // Names OpenSSL and others write for types RFC 4514 gives no short name.
  EMAILADDRESS: OID.emailAddress,
  E: OID.emailAddress,
  S: OID.stateOrProvinceName,
};

/** The text of a DER string value (`#` + hex in RFC 4514): UTF8, Printable, IA5, T61 or BMP string. */
function derStringValue(hex: string): string {
  const der = Buffer.from(hex, 'hex');
  if (der.length < 2 || der.length * 2 !== hex.length) {
    throw new PkiError('SUBJECT_INVALID', 'A hex value is not DER.');
  }
  const tag = der[0] ?? 0;
  let length = der[1] ?? 0;
  let offset = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || der.length < 2 + count) {
      throw new PkiError('SUBJECT_INVALID', 'A hex value has a bad DER length.');
    }
    length = [...der.subarray(2, 2 + count)].reduce((total, byte) => total * 256 + byte, 0);
    offset = 2 + count;
  }
  const content = der.subarray(offset);
  if (content.length !== length) {
    throw new PkiError('SUBJECT_INVALID', 'A hex value has a bad DER length.');
  }
  // UTF8String 12, PrintableString 19, TeletexString 20, IA5String 22, BMPString 30.
  switch (tag) {
    case 12:
      return content.toString('utf8');
    case 19:
    case 22:
      return content.toString('ascii');
    case 20:
      return content.toString('latin1');
    case 30:
      return Buffer.from(content).swap16().toString('utf16le');
    default:
      throw new PkiError('SUBJECT_INVALID', `A hex value is not a string (DER tag ${tag}).`);
  }
}

/**
 * Reads an RFC 4514 string (as toRfc4514 writes it, and as the API's `subject` fields are) back
 * to a name in DER order: escapes (`\,`, `\c3\a9`), dotted OIDs with `#` and the hex of a DER
 * string, and a multi-valued RDN (`+`) as its attributes in turn.
 */
export function parseRfc4514(text: string): DistinguishedName {
  const attributes: NameAttribute[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new PkiError('SUBJECT_INVALID', `Not an RFC 4514 name (${why} at character ${i + 1}).`);
  };
  while (i < text.length) {
    const equals = text.indexOf('=', i);
    if (equals < 0) {
      fail('an attribute without "="');
    }
    const type = text.slice(i, equals).trim();
    const attrOid = /^\d+(\.\d+)+$/.test(type) ? type : OID_OF_SHORT_NAME[type.toUpperCase()];
    if (attrOid === undefined) {
      fail(`an unknown attribute type ${JSON.stringify(type)}`);
    }
    i = equals + 1;
    let value: string;
    if (text[i] === '#') {
      const end = text.slice(i + 1).search(/[,+]/);
      const hex = end < 0 ? text.slice(i + 1) : text.slice(i + 1, i + 1 + end);
      if (!/^([0-9a-fA-F]{2})+$/.test(hex)) {
        fail('a "#" value that is not hex');
      }
      value = derStringValue(hex);
      i += 1 + hex.length;
    } else {
      const bytes: number[] = [];
      for (; i < text.length && text[i] !== ',' && text[i] !== '+'; i++) {
        const c = text[i] ?? '';
        if (c !== '\\') {
          bytes.push(...Buffer.from(c, 'utf8'));
          continue;
        }
        const next = text.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(next)) {
          bytes.push(parseInt(next, 16));
          i += 2;
        } else if (i + 1 < text.length) {
          bytes.push(...Buffer.from(text[i + 1] ?? '', 'utf8'));
          i += 1;
        } else {
          fail('a "\\" at the end');
        }
      }
      value = Buffer.from(bytes).toString('utf8');
    }
    attributes.push({ oid: attrOid as string, value });
    if (i < text.length) {
      i += 1; // the "," or "+" after the value
      if (i === text.length) {
        fail('nothing after the last separator');
      }
    }
  }
  return attributes.reverse();
}

/** The Windows style that other APIs expect: `CN=..., OU=..., O=..., L=..., S=..., C=...`. */
export function toWindowsStyle(name: DistinguishedName): string {
  return [...name]
    .reverse()
    .map((attribute) => {
      const label = WINDOWS_NAMES[attribute.oid] ?? `OID.${attribute.oid}`;
      const needsQuotes = /[,+="\n<>#;]/.test(attribute.value) || attribute.value.trim() !== attribute.value;
      return `${label}=${needsQuotes ? `"${attribute.value.replace(/"/g, '""')}"` : attribute.value}`;
    })
    .join(', ');
}
