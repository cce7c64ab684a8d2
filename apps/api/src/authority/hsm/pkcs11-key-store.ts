import { createPublicKey, randomBytes } from 'node:crypto';
import type { KeyAlgorithm, Signer } from '@enroll/pki';
import type { Template } from 'pkcs11js';
import type { CaKeyStore, IssuingKey } from '../ca-key-store';
import { EC_PARAMS, Pkcs11Signer } from './pkcs11-signer';
import { Pkcs11Error, pkcs11js, Pkcs11Token, type Pkcs11TokenOptions } from './pkcs11-token';
import { formatPkcs11Uri, isPkcs11Uri, parsePkcs11Uri } from './pkcs11-uri';

export interface Pkcs11KeyStoreOptions extends Pkcs11TokenOptions {
  /** CKA_LABEL of the issuing keys made here (ENROLL_PKCS11_KEY_LABEL). */
  readonly keyLabel: string;
}

/**
 * The issuing key in a PKCS#11 token: generated there (sensitive, never extractable), used there,
 * and named in the database by a PKCS#11 URI (`pkcs11:token=...;object=...;type=private;id=...`),
 * which holds no secret.
 */
export class Pkcs11CaKeyStore implements CaKeyStore {
  readonly description: string;

  constructor(
    private readonly token: Pkcs11Token,
    private readonly keyLabel: string,
  ) {
    this.description = `issuing key in the PKCS#11 token "${token.label}" (${token.options.module})`;
  }

  /** Opens the module and logs in to the token now: a missing module, token or wrong PIN stops the start. */
  static open(options: Pkcs11KeyStoreOptions): Pkcs11CaKeyStore {
    return new Pkcs11CaKeyStore(Pkcs11Token.open(options), options.keyLabel);
  }

  async createIssuingKey(algorithm: KeyAlgorithm): Promise<IssuingKey> {
    const p = pkcs11js();
    // CKA_ID ties the private and public objects together; random, so that a second key of the same label is told apart.
    const id = randomBytes(16);
    const common: Template = [
      { type: p.CKA_TOKEN, value: true },
      { type: p.CKA_LABEL, value: this.keyLabel },
      { type: p.CKA_ID, value: id },
    ];
    const rsaBits = /^RSA-(\d+)$/.exec(algorithm)?.[1];
    const curve = algorithm === 'EC-P384' ? 'P-384' : 'P-256';
    const publicTemplate: Template = [
      ...common,
      { type: p.CKA_CLASS, value: p.CKO_PUBLIC_KEY },
      { type: p.CKA_PRIVATE, value: false },
      { type: p.CKA_VERIFY, value: true },
      ...(rsaBits
        ? [
            { type: p.CKA_KEY_TYPE, value: p.CKK_RSA },
            { type: p.CKA_MODULUS_BITS, value: Number(rsaBits) },
            { type: p.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
          ]
        : [
            { type: p.CKA_KEY_TYPE, value: p.CKK_EC },
            { type: p.CKA_EC_PARAMS, value: EC_PARAMS[curve] },
          ]),
    ];
    const privateTemplate: Template = [
      ...common,
      { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
      { type: p.CKA_KEY_TYPE, value: rsaBits ? p.CKK_RSA : p.CKK_EC },
      { type: p.CKA_PRIVATE, value: true },
      { type: p.CKA_SENSITIVE, value: true },
      { type: p.CKA_EXTRACTABLE, value: false },
      { type: p.CKA_SIGN, value: true },
      { type: p.CKA_DECRYPT, value: false },
    ];
    const mechanism = { mechanism: rsaBits ? p.CKM_RSA_PKCS_KEY_PAIR_GEN : p.CKM_EC_KEY_PAIR_GEN };
    const pair = await this.token.generateKeyPair(mechanism, publicTemplate, privateTemplate);
    this.checkProtected(pair.privateKey);
    const reference = { token: this.token.label, object: this.keyLabel, id };
    const signer = new Pkcs11Signer(this.token, pair.privateKey, this.spkiOf(pair.publicKey));
    const stored = formatPkcs11Uri(reference);
    await signer.selfTest(stored);
    return { stored, signer };
  }

  async load(stored: string): Promise<Signer> {
    if (!isPkcs11Uri(stored)) {
      throw new Pkcs11Error(
        'The issuing key in the database is a software key, but ENROLL_PKCS11_MODULE is set. Enroll does not import ' +
          'keys into a token: unset ENROLL_PKCS11_MODULE, or start on a new database to create a CA whose issuing key is made in the token.',
      );
    }
    const reference = parsePkcs11Uri(stored);
    if (reference.token !== this.token.label) {
      throw new Pkcs11Error(
        `The issuing key ${stored} is in the token "${reference.token}", but ENROLL_PKCS11_* open the token "${this.token.label}".`,
      );
    }
    const p = pkcs11js();
    const privateKey = this.only(stored, 'private', [
      { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
      { type: p.CKA_ID, value: reference.id },
      ...(reference.object ? [{ type: p.CKA_LABEL, value: reference.object }] : []),
    ]);
    const publicKey = this.only(stored, 'public', [
      { type: p.CKA_CLASS, value: p.CKO_PUBLIC_KEY },
      { type: p.CKA_ID, value: reference.id },
    ]);
    this.checkProtected(privateKey);
    const signer = new Pkcs11Signer(this.token, privateKey, this.spkiOf(publicKey));
    await signer.selfTest(stored);
    return signer;
  }

  /** A reference is as strong as the token: nothing to rewrite. */
  strengthen(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  private only(stored: string, kind: 'private' | 'public', template: Template): Buffer {
    const [found, ...others] = this.token.find(template);
    if (!found) {
      throw new Pkcs11Error(
        `The issuing key's ${kind} object ${stored} is not in the PKCS#11 token "${this.token.label}" (${this.token.options.module}).`,
      );
    }
    if (others.length > 0) {
      throw new Pkcs11Error(
        `The PKCS#11 token "${this.token.label}" holds several ${kind} objects matching ${stored}.`,
      );
    }
    return found;
  }

  /** Refuses a private key that could leave the token. */
  private checkProtected(privateKey: Buffer): void {
    const p = pkcs11js();
    const values = this.token.attributes(privateKey, [p.CKA_SENSITIVE, p.CKA_EXTRACTABLE]);
    const sensitive = values.get(p.CKA_SENSITIVE)?.[0] === 1;
    const extractable = values.get(p.CKA_EXTRACTABLE)?.[0] !== 0;
    if (!sensitive || extractable) {
      throw new Pkcs11Error(
        `The issuing key in the PKCS#11 token "${this.token.label}" must be sensitive and not extractable (CKA_SENSITIVE ${sensitive}, CKA_EXTRACTABLE ${extractable}).`,
      );
    }
  }

  /** The SubjectPublicKeyInfo of a public key object: RSA from modulus and exponent, EC from its curve and point. */
  private spkiOf(publicKey: Buffer): Buffer {
    const p = pkcs11js();
    const keyType = this.token.attributes(publicKey, [p.CKA_KEY_TYPE]).get(p.CKA_KEY_TYPE);
    const type = keyType ? readUlong(keyType) : undefined;
    if (type === p.CKK_RSA) {
      const values = this.token.attributes(publicKey, [p.CKA_MODULUS, p.CKA_PUBLIC_EXPONENT]);
      return rsaSpki(
        values.get(p.CKA_MODULUS) ?? Buffer.alloc(0),
        values.get(p.CKA_PUBLIC_EXPONENT) ?? Buffer.alloc(0),
      );
    }
    if (type === p.CKK_EC) {
      const values = this.token.attributes(publicKey, [p.CKA_EC_PARAMS, p.CKA_EC_POINT]);
      return ecSpki(values.get(p.CKA_EC_PARAMS) ?? Buffer.alloc(0), values.get(p.CKA_EC_POINT) ?? Buffer.alloc(0));
    }
    throw new Pkcs11Error(`The issuing key in the PKCS#11 token "${this.token.label}" is neither RSA nor EC.`);
  }
}

/** RSA public key from its big-endian modulus and exponent (node encodes the SPKI). */
export function rsaSpki(modulus: Buffer, exponent: Buffer): Buffer {
  const key = createPublicKey({
    key: { kty: 'RSA', n: unsigned(modulus).toString('base64url'), e: unsigned(exponent).toString('base64url') },
    format: 'jwk',
  });
  return key.export({ format: 'der', type: 'spki' });
}

/**
 * EC public key from CKA_EC_PARAMS (the curve's OID) and CKA_EC_POINT: PKCS#11 2.40 says the
 * point is DER-wrapped in an OCTET STRING (SoftHSM does so); some modules give it bare. Only an
 * uncompressed point is accepted.
 */
export function ecSpki(params: Buffer, point: Buffer): Buffer {
  const curve = (Object.keys(EC_PARAMS) as ('P-256' | 'P-384')[]).find((c) => EC_PARAMS[c].equals(params));
  if (!curve) {
    throw new Pkcs11Error(`The issuing key's curve (CKA_EC_PARAMS ${params.toString('hex')}) is not P-256 or P-384.`);
  }
  const size = curve === 'P-384' ? 48 : 32;
  const raw = point.length === 1 + 2 * size ? point : unwrapOctetString(point);
  if (raw?.length !== 1 + 2 * size || raw[0] !== 0x04) {
    throw new Pkcs11Error(`The issuing key's CKA_EC_POINT is not an uncompressed ${curve} point.`);
  }
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: curve,
      x: raw.subarray(1, 1 + size).toString('base64url'),
      y: raw.subarray(1 + size).toString('base64url'),
    },
    format: 'jwk',
  });
  return key.export({ format: 'der', type: 'spki' });
}

function unwrapOctetString(der: Buffer): Buffer | undefined {
  if (der[0] !== 0x04 || der.length < 2) {
    return undefined;
  }
  const first = der[1] ?? 0;
  if (first < 0x80) {
    return der.length === 2 + first ? der.subarray(2) : undefined;
  }
  const lengthBytes = first & 0x7f;
  if (lengthBytes === 0 || lengthBytes > 2 || der.length < 2 + lengthBytes) {
    return undefined;
  }
  const length = der.readUIntBE(2, lengthBytes);
  return der.length === 2 + lengthBytes + length ? der.subarray(2 + lengthBytes) : undefined;
}

/** Big-endian bytes without leading zeros (JWK's form). */
function unsigned(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) {
    start++;
  }
  return bytes.subarray(start);
}

/** A CK_ULONG attribute value (native byte order: little-endian on the platforms Node runs on here). */
function readUlong(value: Buffer): number {
  return value.length >= 8 ? Number(value.readBigUInt64LE(0)) : value.readUInt32LE(0);
}

/**
 * For the software store: a PKCS#11 reference in the database while no module is configured
 * gets a clear refusal instead of a failed decryption.
 */
export function refusingTokenReferences(store: CaKeyStore): CaKeyStore {
  return {
    description: store.description,
    createIssuingKey: (algorithm) => store.createIssuingKey(algorithm),
    load: (stored) =>
      isPkcs11Uri(stored)
        ? Promise.reject(
            new Pkcs11Error(
              `The issuing key is in a PKCS#11 token (${stored}), but ENROLL_PKCS11_MODULE is not set: set ENROLL_PKCS11_MODULE, ENROLL_PKCS11_TOKEN_LABEL and ENROLL_PKCS11_PIN.`,
            ),
          )
        : store.load(stored),
    strengthen: (stored) => (isPkcs11Uri(stored) ? Promise.resolve(undefined) : store.strengthen(stored)),
  };
}
