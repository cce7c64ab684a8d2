import { asn1, encode, tlv } from './der';
import { authorityKeyIdentifierExtension, extensionToAsn1, type Extension } from './extensions';
import { OID } from './oids';
import { signatureAlgorithmIdentifier } from './certificate-builder';
import { REVOCATION_REASONS, type RevocationReason } from './revocation-reason';
import type { IssuingAuthority } from './issuer';

export interface RevokedEntry {
  /** Serial number bytes (unsigned, big-endian). */
  readonly serial: Buffer;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

export interface CrlOptions {
  readonly authority: IssuingAuthority;
  /** Monotonic CRL number, kept by the caller (RFC 5280 5.2.3). */
  readonly crlNumber: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly entries: readonly RevokedEntry[];
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;

function integerBytes(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) {
    start++;
  }
  const trimmed = value.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : Buffer.from(trimmed);
}

function bigintBytes(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

function timeDer(date: Date): Buffer {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return whole.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(asn1.dateToUtcTime(whole), 'latin1'))
    : tlv(0x18, Buffer.from(asn1.dateToGeneralizedTime(whole), 'latin1'));
}

// reasonCode entry extensions are the same few bytes for every entry with that reason: build once.
const REASON_EXTENSIONS = new Map<RevocationReason, Buffer>(
  (Object.keys(REVOCATION_REASONS) as RevocationReason[]).map((reason) => {
    const code = REVOCATION_REASONS[reason];
    const extension: Extension = {
      oid: OID.crlReason,
      critical: false,
      value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(code)),
    };
    return [reason, tlv(SEQUENCE, encode(extensionToAsn1(extension)))];
  }),
);

function entryDer(entry: RevokedEntry): Buffer {
  // RFC 5280 5.3.1: the reason code unspecified SHOULD be absent.
  const extensions = entry.reason === 'unspecified' ? [] : [REASON_EXTENSIONS.get(entry.reason) ?? Buffer.alloc(0)];
  return tlv(SEQUENCE, tlv(INTEGER, integerBytes(entry.serial)), timeDer(entry.revokedAt), ...extensions);
}

/**
 * Builds and signs a v2 CRL (RFC 5280 5.1) with the CRL number and authority key identifier
 * extensions. Written straight to DER buffers: 100,000 entries must cost well under a second.
 */
export async function buildCrl(options: CrlOptions): Promise<Buffer> {
  const { authority } = options;
  const crlExtensions = [
    encode(extensionToAsn1(authorityKeyIdentifierExtension(authority.keyId))),
    encode(extensionToAsn1({ oid: OID.crlNumber, critical: false, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, integerBytes(bigintBytes(options.crlNumber)).toString('binary')) })),
  ];
  const algorithm = encode(signatureAlgorithmIdentifier(authority.signer.algorithmOid));
  const parts = [
    tlv(INTEGER, Buffer.from([1])),
    algorithm,
    authority.subjectName,
    timeDer(options.thisUpdate),
    timeDer(options.nextUpdate),
  ];
  if (options.entries.length > 0) {
    parts.push(tlv(SEQUENCE, ...options.entries.map(entryDer)));
  }
  parts.push(tlv(0xa0, tlv(SEQUENCE, ...crlExtensions)));
  const tbs = tlv(SEQUENCE, ...parts);
  const signature = await authority.signer.sign(tbs);
  return tlv(SEQUENCE, tbs, algorithm, tlv(0x03, Buffer.from([0]), signature));
}
