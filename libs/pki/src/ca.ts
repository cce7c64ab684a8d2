import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { PkiError } from './errors';
import { OID } from './oids';
import { nameToDer, type DistinguishedName } from './name';
import { SoftwareSigner, type Signer } from './signer';
import { randomSerial } from './serial';
import { selfCheck, signCertificate } from './certificate-builder';
import { readCertificate, type CertificateParts } from './certificate';
import { toPem } from './pem';
import type { IssuingAuthority } from './issuer';
import {
  authorityKeyIdentifierExtension, basicConstraintsExtension, keyIdentifier, keyUsageExtension, subjectKeyIdentifierExtension,
} from './extensions';

export type KeyAlgorithm = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'EC-P256' | 'EC-P384';

const generate = promisify(generateKeyPair);

/** Generates a private key with node:crypto (RSA with e = 65537, EC on a named curve). */
export async function generatePrivateKey(algorithm: KeyAlgorithm): Promise<KeyObject> {
  switch (algorithm) {
    case 'RSA-2048':
    case 'RSA-3072':
    case 'RSA-4096':
      return (await generate('rsa', { modulusLength: Number(algorithm.slice(4)), publicExponent: 65537 })).privateKey;
    case 'EC-P256':
      return (await generate('ec', { namedCurve: 'prime256v1' })).privateKey;
    case 'EC-P384':
      return (await generate('ec', { namedCurve: 'secp384r1' })).privateKey;
  }
}

/** A CA certificate and its private key as stored: PEM certificate, encrypted PKCS #8 PEM key. */
export interface StoredKeyPair {
  readonly certificatePem: string;
  readonly encryptedKeyPem: string;
}

export interface StoredCertificateAuthority {
  readonly root: StoredKeyPair;
  readonly issuing: StoredKeyPair;
}

export interface CreateCaOptions {
  /** Passphrase that encrypts both keys at rest (PKCS #8, PBES2 with PBKDF2 and AES-256-CBC). */
  readonly passphrase: string;
  readonly now: Date;
  /** Default RSA-3072; EC-P384 is the elliptic-curve option. */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Default `CN=Enroll Root CA, O=Enroll`. */
  readonly rootName?: DistinguishedName;
  /** Default `CN=Enroll Issuing CA, O=Enroll`. */
  readonly issuingName?: DistinguishedName;
  /** Default 20 years for the root, 10 for the issuing CA. */
  readonly rootValidityDays?: number;
  readonly issuingValidityDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MIN_PASSPHRASE = 12;

const defaultName = (cn: string): DistinguishedName => [
  { oid: OID.organizationName, value: 'Enroll' },
  { oid: OID.commonName, value: cn },
];

function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new PkiError('CA_KEY_INVALID', `The CA passphrase must have at least ${MIN_PASSPHRASE} characters.`);
  }
}

/** Encrypts a private key for storage: PKCS #8 with AES-256-CBC under a PBKDF2-derived key. */
export function encryptPrivateKey(key: KeyObject, passphrase: string): string {
  checkPassphrase(passphrase);
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
}

/** Decrypts a stored key; a wrong passphrase is a CA_KEY_INVALID error, never a crash. */
export function decryptPrivateKey(pem: string, passphrase: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch {
    throw new PkiError('CA_KEY_INVALID', 'The CA key cannot be decrypted: wrong passphrase or damaged key file.');
  }
}

async function caCertificate(options: {
  subject: DistinguishedName; issuerName: Buffer; issuerKeyId: Buffer | undefined; key: KeyObject; signer: SoftwareSigner;
  notBefore: Date; notAfter: Date; pathLength?: number;
}): Promise<Buffer> {
  const spki = new SoftwareSigner(options.key).spki;
  const extensions = [
    basicConstraintsExtension(true, options.pathLength),
    // digitalSignature lets the CA sign OCSP responses itself when no delegated responder exists.
    keyUsageExtension(['digitalSignature', 'keyCertSign', 'cRLSign']),
    subjectKeyIdentifierExtension(keyIdentifier(spki)),
    ...(options.issuerKeyId ? [authorityKeyIdentifierExtension(options.issuerKeyId)] : []),
  ];
  return signCertificate(
    { serial: randomSerial(), issuerName: options.issuerName, subjectName: nameToDer(options.subject), notBefore: options.notBefore, notAfter: options.notAfter, spki, extensions },
    options.signer,
  );
}

/** Creates a root CA and an issuing CA under it (path length 0), with both keys encrypted. */
export async function createCertificateAuthority(options: CreateCaOptions): Promise<StoredCertificateAuthority> {
  checkPassphrase(options.passphrase);
  const algorithm = options.keyAlgorithm ?? 'RSA-3072';
  const [rootKey, issuingKey] = await Promise.all([generatePrivateKey(algorithm), generatePrivateKey(algorithm)]);
  const rootSigner = new SoftwareSigner(rootKey);
  const notBefore = new Date(Math.floor(options.now.getTime() / 1000) * 1000);
  const rootName = options.rootName ?? defaultName('Enroll Root CA');
  const rootNotAfter = new Date(notBefore.getTime() + (options.rootValidityDays ?? 7305) * DAY_MS);
  const rootDer = await caCertificate({
    subject: rootName, issuerName: nameToDer(rootName), issuerKeyId: undefined, key: rootKey, signer: rootSigner, notBefore, notAfter: rootNotAfter,
  });
  const root = selfCheck(rootDer, undefined, { notBefore, notAfter: rootNotAfter });
  const issuingNotAfter = new Date(Math.min(rootNotAfter.getTime(), notBefore.getTime() + (options.issuingValidityDays ?? 3652) * DAY_MS));
  const issuingDer = await caCertificate({
    subject: options.issuingName ?? defaultName('Enroll Issuing CA'),
    issuerName: nameToDer(rootName),
    issuerKeyId: keyIdentifier(rootSigner.spki),
    key: issuingKey,
    signer: rootSigner,
    notBefore,
    notAfter: issuingNotAfter,
    pathLength: 0,
  });
  selfCheck(issuingDer, { certificate: root, publicKey: root.publicKey }, { notBefore, notAfter: issuingNotAfter });
  return {
    root: { certificatePem: toPem('CERTIFICATE', rootDer), encryptedKeyPem: encryptPrivateKey(rootKey, options.passphrase) },
    issuing: { certificatePem: toPem('CERTIFICATE', issuingDer), encryptedKeyPem: encryptPrivateKey(issuingKey, options.passphrase) },
  };
}

/** A loaded CA: parsed certificates and keys held in memory for the life of the process. */
export interface CertificateAuthority {
  readonly root: CertificateParts;
  readonly issuing: CertificateParts;
  readonly authority: IssuingAuthority;
  /** The issuing CA then the root, PEM: what /pki/ca.pem serves. */
  readonly chainPem: string;
}

/**
 * Puts a CA together from its two certificates and a signer for the issuing key, wherever that
 * key lives (software, HSM): checks that the signer's key is the issuing certificate's and that
 * the root signed the issuing CA. This is the seam through which every key source loads a CA.
 */
export function assembleCertificateAuthority(certificates: { rootPem: string; issuingPem: string }, signer: Signer): CertificateAuthority {
  const root = readCertificate(certificates.rootPem);
  const issuing = readCertificate(certificates.issuingPem);
  if (!signer.spki.equals(issuing.spki)) {
    throw new PkiError('CA_KEY_INVALID', 'The issuing CA key does not belong to the issuing CA certificate.');
  }
  if (!issuing.x509.checkIssued(root.x509) || !issuing.x509.verify(root.x509.publicKey)) {
    throw new PkiError('CA_KEY_INVALID', 'The issuing CA certificate is not signed by the root.');
  }
  return {
    root,
    issuing,
    authority: { certificate: issuing.x509, publicKey: issuing.x509.publicKey, subjectName: issuing.subjectName, keyId: issuing.keyId, signer },
    chainPem: toPem('CERTIFICATE', issuing.der) + toPem('CERTIFICATE', root.der),
  };
}

/** Loads a stored CA with a software issuing key, decrypting it with the passphrase. */
export function loadCertificateAuthority(stored: StoredCertificateAuthority, passphrase: string): CertificateAuthority {
  const signer = new SoftwareSigner(decryptPrivateKey(stored.issuing.encryptedKeyPem, passphrase));
  return assembleCertificateAuthority({ rootPem: stored.root.certificatePem, issuingPem: stored.issuing.certificatePem }, signer);
}
