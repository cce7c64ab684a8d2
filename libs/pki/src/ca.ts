import { createPrivateKey, generateKeyPair, type KeyObject, type X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { PkiError } from './errors';
import { OID } from './oids';
import { nameToDer, type DistinguishedName } from './name';
import { SoftwareSigner, type Signer } from './signer';
import { randomSerial } from './serial';
import { selfCheck, signCertificate } from './certificate-builder';
import { readCertificate, type CertificateParts } from './certificate';
import { toPem } from './pem';
import type { IssuingAuthority, PkiUrls } from './issuer';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  crlDistributionPointsExtension,
  keyIdentifier,
  keyUsageExtension,
  subjectKeyIdentifierExtension,
} from './extensions';
import { checkPassphrase, encryptPrivateKey } from './key-encryption';

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
  /** Passphrase that encrypts both keys at rest (PKCS #8, PBES2 with PBKDF2-SHA256 and AES-256-CBC). */
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
  /** Where relying parties check the issuing CA (the root's CRL, OCSP, the root certificate); see rootPkiUrls. */
  readonly issuingUrls?: PkiUrls;
  /** PBKDF2 iterations of the stored keys; default KEY_ENCRYPTION_ITERATIONS. */
  readonly keyEncryptionIterations?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const defaultCaName = (cn: string): DistinguishedName => [
  { oid: OID.organizationName, value: 'Enroll' },
  { oid: OID.commonName, value: cn },
];

/** Decrypts a stored key; a wrong passphrase is a CA_KEY_INVALID error, never a crash. */
export function decryptPrivateKey(pem: string, passphrase: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch {
    throw new PkiError('CA_KEY_INVALID', 'The CA key cannot be decrypted: wrong passphrase or damaged key file.');
  }
}

/** Whole seconds: certificates carry no fractions. */
export const wholeSeconds = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

export interface CaCertificateOptions {
  readonly subject: DistinguishedName;
  /** The issuer's subject as DER, and its key id (absent for a self-signed root). */
  readonly issuerName: Buffer;
  readonly issuerKeyId?: Buffer;
  /** The certified key's SubjectPublicKeyInfo. */
  readonly spki: Buffer;
  readonly signer: Signer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly pathLength?: number;
  /** For a subordinate CA: where its issuer publishes revocation (CRL distribution point, AIA). */
  readonly urls?: PkiUrls;
  /**
   * The issuer's certificate, for the lint before signing (a root is linted as its own issuer).
   * A subordinate without `urls` (test fixtures) is not linted: the lint requires CDP and AIA.
   */
  readonly issuer?: X509Certificate;
}

/** Signs a CA certificate: a root (self-signed) or a subordinate CA with its issuer's CDP and AIA. */
export function issueCaCertificate(options: CaCertificateOptions): Promise<Buffer> {
  const extensions = [
    basicConstraintsExtension(true, options.pathLength),
    // digitalSignature lets the CA sign OCSP responses itself when no delegated responder exists.
    keyUsageExtension(['digitalSignature', 'keyCertSign', 'cRLSign']),
    subjectKeyIdentifierExtension(keyIdentifier(options.spki)),
    ...(options.issuerKeyId ? [authorityKeyIdentifierExtension(options.issuerKeyId)] : []),
    ...(options.urls
      ? [
          crlDistributionPointsExtension(options.urls.crl),
          authorityInfoAccessExtension(options.urls.ocsp, options.urls.caIssuers),
        ]
      : []),
  ];
  return signCertificate(
    {
      serial: randomSerial(),
      issuerName: options.issuerName,
      subjectName: nameToDer(options.subject),
      notBefore: options.notBefore,
      notAfter: options.notAfter,
      spki: options.spki,
      extensions,
    },
    options.signer,
    // Lint before sign: every CA certificate the Enroll CA makes (a root; an issuing CA with its CDP and AIA).
    options.issuerKeyId === undefined ? {} : options.issuer && options.urls ? { issuer: options.issuer } : undefined,
  );
}

/** A root CA made in memory: its key (to be kept offline) and self-signed certificate. */
export interface RootCa {
  readonly key: KeyObject;
  readonly signer: Signer;
  readonly certificate: CertificateParts;
  /** The root as an issuer, for issueCertificate (its delegated OCSP responder) and buildCrl (its CRL). */
  readonly authority: IssuingAuthority;
}

/** Wraps a root key and certificate as an issuer; the key must be the certificate's. */
export function rootCa(key: KeyObject, certificatePem: string | Buffer): RootCa {
  const certificate = readCertificate(certificatePem);
  const signer = new SoftwareSigner(key);
  if (!signer.spki.equals(certificate.spki)) {
    throw new PkiError('CA_KEY_INVALID', 'The root key does not belong to the root CA certificate.');
  }
  return {
    key,
    signer,
    certificate,
    authority: {
      certificate: certificate.x509,
      publicKey: certificate.x509.publicKey,
      subjectName: certificate.subjectName,
      keyId: certificate.keyId,
      signer,
    },
  };
}

/** Makes a root CA: a new key and a self-signed certificate (default 20 years, `CN=Enroll Root CA, O=Enroll`). */
export async function createRootCa(options: {
  now: Date;
  keyAlgorithm?: KeyAlgorithm;
  name?: DistinguishedName;
  validityDays?: number;
}): Promise<RootCa> {
  const key = await generatePrivateKey(options.keyAlgorithm ?? 'RSA-3072');
  const signer = new SoftwareSigner(key);
  const notBefore = wholeSeconds(options.now);
  const notAfter = new Date(notBefore.getTime() + (options.validityDays ?? 7305) * DAY_MS);
  const name = options.name ?? defaultCaName('Enroll Root CA');
  const der = await issueCaCertificate({
    subject: name,
    issuerName: nameToDer(name),
    spki: signer.spki,
    signer,
    notBefore,
    notAfter,
  });
  selfCheck(der, undefined, { notBefore, notAfter });
  return rootCa(key, der);
}

/**
 * Signs the issuing CA's certificate under a root (path length 0, never past the root's own
 * validity; default 10 years, `CN=Enroll Issuing CA, O=Enroll`), with the root's CDP and AIA.
 */
export async function issueIssuingCaCertificate(
  root: RootCa,
  options: { spki: Buffer; now: Date; name?: DistinguishedName; validityDays?: number; urls?: PkiUrls },
): Promise<Buffer> {
  const notBefore = wholeSeconds(options.now);
  const rootNotAfter = new Date(root.certificate.x509.validTo);
  const notAfter = new Date(
    Math.min(rootNotAfter.getTime(), notBefore.getTime() + (options.validityDays ?? 3652) * DAY_MS),
  );
  const der = await issueCaCertificate({
    subject: options.name ?? defaultCaName('Enroll Issuing CA'),
    issuerName: root.certificate.subjectName,
    issuerKeyId: root.certificate.keyId,
    spki: options.spki,
    signer: root.signer,
    notBefore,
    notAfter,
    pathLength: 0,
    issuer: root.certificate.x509,
    ...(options.urls ? { urls: options.urls } : {}),
  });
  selfCheck(der, root.authority, { notBefore, notAfter });
  return der;
}

/** Creates a root CA and an issuing CA under it (path length 0), with both keys encrypted. */
export async function createCertificateAuthority(options: CreateCaOptions): Promise<StoredCertificateAuthority> {
  checkPassphrase(options.passphrase);
  const algorithm = options.keyAlgorithm ?? 'RSA-3072';
  const [root, issuingKey] = await Promise.all([
    createRootCa({
      now: options.now,
      keyAlgorithm: algorithm,
      ...(options.rootName ? { name: options.rootName } : {}),
      ...(options.rootValidityDays ? { validityDays: options.rootValidityDays } : {}),
    }),
    generatePrivateKey(algorithm),
  ]);
  const issuingDer = await issueIssuingCaCertificate(root, {
    spki: new SoftwareSigner(issuingKey).spki,
    now: options.now,
    ...(options.issuingName ? { name: options.issuingName } : {}),
    ...(options.issuingValidityDays ? { validityDays: options.issuingValidityDays } : {}),
    ...(options.issuingUrls ? { urls: options.issuingUrls } : {}),
  });
  const [rootKeyPem, issuingKeyPem] = await Promise.all([
    encryptPrivateKey(root.key, options.passphrase, options.keyEncryptionIterations),
    encryptPrivateKey(issuingKey, options.passphrase, options.keyEncryptionIterations),
  ]);
  return {
    root: { certificatePem: toPem('CERTIFICATE', root.certificate.der), encryptedKeyPem: rootKeyPem },
    issuing: { certificatePem: toPem('CERTIFICATE', issuingDer), encryptedKeyPem: issuingKeyPem },
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
export function assembleCertificateAuthority(
  certificates: { rootPem: string; issuingPem: string },
  signer: Signer,
): CertificateAuthority {
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
    authority: {
      certificate: issuing.x509,
      publicKey: issuing.x509.publicKey,
      subjectName: issuing.subjectName,
      keyId: issuing.keyId,
      signer,
    },
    chainPem: toPem('CERTIFICATE', issuing.der) + toPem('CERTIFICATE', root.der),
  };
}

/** Loads a stored CA with a software issuing key, decrypting it with the passphrase. */
export function loadCertificateAuthority(stored: StoredCertificateAuthority, passphrase: string): CertificateAuthority {
  const signer = new SoftwareSigner(decryptPrivateKey(stored.issuing.encryptedKeyPem, passphrase));
  return assembleCertificateAuthority(
    { rootPem: stored.root.certificatePem, issuingPem: stored.issuing.certificatePem },
    signer,
  );
}

/**
 * Where relying parties check the issuing CA itself (its certificate's CDP and AIA): the root's
 * CRL, OCSP (answered with the root's delegated responder) and the root certificate.
 */
export function rootPkiUrls(publicUrl: string): PkiUrls {
  const base = publicUrl.replace(/\/+$/, '');
  return { crl: `${base}/pki/root.crl`, ocsp: `${base}/pki/ocsp`, caIssuers: `${base}/pki/root-ca.crt` };
}
