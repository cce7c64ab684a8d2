import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import {
  buildCsr,
  buildSubject,
  describeKey,
  EXTENDED_KEY_USAGES,
  extendedKeyUsageExtension,
  isPkiError,
  keyUsageExtension,
  PROFILES,
  type DistinguishedName,
  type KeyAlgorithm,
} from '@enroll/pki';
import { UsageError } from './errors';

/** The kinds whose key the client makes on this device. */
export type OwnKind = 'workstation' | 'server' | 'mobile';

export interface OwnSubjectInput {
  readonly kind: OwnKind;
  readonly commonName: string;
  readonly organizationCode: string;
  readonly country: string;
  readonly state: string;
  readonly locality: string;
  readonly email: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a text reads as an e-mail address (what the CA's emailAddress attribute takes). */
export const isEmail = (text: string): boolean => EMAIL.test(text);

/**
 * The key algorithm from `--key-type` and `--key-length`: RSA 2048 (default), 3072, 4096; EC
 * P-256 (default for ec) or P-384, as 256 or 384.
 */
export function keyAlgorithmFor(keyType: string, keyLength: string | undefined): KeyAlgorithm {
  switch (keyType.toLowerCase()) {
    case 'rsa':
      switch (keyLength ?? '2048') {
        case '2048':
          return 'RSA-2048';
        case '3072':
          return 'RSA-3072';
        case '4096':
          return 'RSA-4096';
        default:
          throw new UsageError(
            'KEY_LENGTH_INVALID',
            `--key-length must be 2048, 3072 or 4096 for RSA keys, not ${keyLength ?? ''}.`,
          );
      }
    case 'ec':
      switch (keyLength ?? '256') {
        case '256':
          return 'EC-P256';
        case '384':
          return 'EC-P384';
        default:
          throw new UsageError(
            'KEY_LENGTH_INVALID',
            `--key-length must be 256 (P-256) or 384 (P-384) for EC keys, not ${keyLength ?? ''}.`,
          );
      }
    default:
      throw new UsageError('KEY_TYPE_INVALID', `--key-type must be rsa or ec, not ${keyType}.`);
  }
}

/**
 * The subject the profile will issue (C, ST, L, O, OU, CN, emailAddress), built by the CA library
 * so that the request shows exactly what the certificate will carry. Bad input is a usage error.
 */
export function ownSubject(input: OwnSubjectInput): DistinguishedName {
  if (!EMAIL.test(input.email)) {
    throw new UsageError('EMAIL_INVALID', `--email must be an e-mail address, not ${JSON.stringify(input.email)}.`);
  }
  try {
    return buildSubject(PROFILES[input.kind], {
      commonName: input.commonName,
      organizationCode: input.organizationCode,
      country: input.country,
      state: input.state,
      locality: input.locality,
      email: input.email,
    });
  } catch (error) {
    if (isPkiError(error)) {
      throw new UsageError(error.code, error.message);
    }
    throw error;
  }
}

/**
 * A CSR signed by the device's key. It also asks for the profile's key usages, so that the request
 * reads like the certificate it will become (the CA takes them from the profile, never from here).
 */
export function makeOwnCsr(privateKey: KeyObject, subject: DistinguishedName, kind: OwnKind): string {
  const profile = PROFILES[kind];
  const keyInfo = describeKey(createPublicKey(privateKey));
  try {
    return buildCsr({
      subject,
      privateKey,
      extensions: [
        keyUsageExtension(profile.keyUsage(keyInfo)),
        extendedKeyUsageExtension(profile.extendedKeyUsage.map((usage) => EXTENDED_KEY_USAGES[usage])),
      ],
    });
  } catch (error) {
    if (isPkiError(error)) {
      throw new UsageError(error.code, error.message);
    }
    throw error;
  }
}

/** The key usages and extended key usages a kind's certificate gets for this key, for display. */
export function profileUsages(
  kind: OwnKind | 'external',
  privateKeyOrInfo: KeyObject,
): { keyUsage: string; extendedKeyUsage: string } {
  const profile = PROFILES[kind];
  return {
    keyUsage: profile.keyUsage(describeKey(createPublicKey(privateKeyOrInfo))).join(', '),
    extendedKeyUsage: profile.extendedKeyUsage.join(', '),
  };
}

/** PKCS #8 PEM, the form the key is stored in (mode 0600, never sent). */
export const privateKeyToPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Whether a private key (PEM) belongs to a certificate's SubjectPublicKeyInfo. */
export function keyMatches(privateKeyPem: string, spki: Buffer): boolean {
  try {
    const publicSpki = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
    return publicSpki.equals(spki);
  } catch {
    return false;
  }
}
