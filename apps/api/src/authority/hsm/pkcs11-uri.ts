/**
 * The issuing key's reference, as stored in certificate_authorities.encrypted_key_pem when the key
 * is in a token: an RFC 7512 PKCS#11 URI such as `pkcs11:token=enroll;object=enroll-issuing;type=private;id=%0a%1b...`.
 * It names the key; it holds no secret (the PIN comes from the configuration).
 */
export interface Pkcs11KeyReference {
  readonly token: string;
  readonly object: string;
  readonly id: Buffer;
}

const SCHEME = 'pkcs11:';

export function isPkcs11Uri(stored: string): boolean {
  return stored.startsWith(SCHEME);
}

export function formatPkcs11Uri(reference: Pkcs11KeyReference): string {
  const id = [...reference.id].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  return `${SCHEME}token=${encodeURIComponent(reference.token)};object=${encodeURIComponent(reference.object)};type=private;id=${id}`;
}

/** Reads a reference made by formatPkcs11Uri (or by hand: attributes in any order; query attributes ignored). */
export function parsePkcs11Uri(uri: string): Pkcs11KeyReference {
  if (!isPkcs11Uri(uri)) {
    throw new Error('A PKCS#11 key reference starts with "pkcs11:".');
  }
  const path = uri.slice(SCHEME.length).split('?')[0] ?? '';
  const attributes = new Map<string, string>();
  for (const part of path.split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0) {
      attributes.set(part.slice(0, equals), part.slice(equals + 1));
    }
  }
  const token = attributes.get('token');
  const object = attributes.get('object');
  const id = attributes.get('id');
  if (token === undefined || id === undefined) {
    throw new Error(`The PKCS#11 key reference ${JSON.stringify(uri)} needs a token and an id.`);
  }
  const bytes = percentDecode(id);
  if (bytes.length === 0) {
    throw new Error(`The PKCS#11 key reference ${JSON.stringify(uri)} has an empty id.`);
  }
  return {
    token: percentDecode(token).toString('utf8'),
    object: percentDecode(object ?? '').toString('utf8'),
    id: bytes,
  };
}

/** RFC 3986 percent-decoding to bytes (an id need not be UTF-8). */
function percentDecode(value: string): Buffer {
  return Buffer.concat(
    value
      .split(/(%[0-9a-fA-F]{2})/)
      .map((piece) =>
        /^%[0-9a-fA-F]{2}$/.test(piece) ? Buffer.from([parseInt(piece.slice(1), 16)]) : Buffer.from(piece, 'utf8'),
      ),
  );
}
