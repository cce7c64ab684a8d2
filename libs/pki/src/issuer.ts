import type { KeyObject, X509Certificate } from 'node:crypto';
import { PkiError } from './errors';
import type { DistinguishedName } from './name';
import { nameToDer } from './name';
import { canonicalSpki, type PublicKeyInfo } from './public-key';
import type { Signer } from './signer';
import { buildSubject, type Profile, type ProfileInput } from './profile';
import { randomSerial, serialToHex } from './serial';
import { selfCheck, signCertificate } from './certificate-builder';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  crlDistributionPointsExtension,
  extendedKeyUsageExtension,
  keyIdentifier,
  keyUsageExtension,
  ocspNoCheckExtension,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
  EXTENDED_KEY_USAGES,
  type Extension,
} from './extensions';

/** The issuing CA as the issuer sees it: its certificate, exact subject bytes, key id and signer. */
export interface IssuingAuthority {
  readonly certificate: X509Certificate;
  /** The certificate's public key, parsed once (X509Certificate.publicKey decodes it anew each call). */
  readonly publicKey: KeyObject;
  readonly subjectName: Buffer;
  readonly keyId: Buffer;
  readonly signer: Signer;
}

/** Where relying parties find revocation data and the CA certificate (from ENROLL_PUBLIC_URL). */
export interface PkiUrls {
  readonly crl: string;
  readonly ocsp: string;
  readonly caIssuers: string;
}

/** Builds the standard URLs under a public base URL: /pki/crl, /pki/ocsp, /pki/issuing-ca.crt. */
export function pkiUrls(publicUrl: string): PkiUrls {
  const base = publicUrl.replace(/\/+$/, '');
  return { crl: `${base}/pki/crl`, ocsp: `${base}/pki/ocsp`, caIssuers: `${base}/pki/issuing-ca.crt` };
}

export interface IssueRequest {
  readonly profile: Profile;
  readonly input: ProfileInput;
  /**
   * The subject public key, already through the key rules (a ParsedCsr fits). The certificate
   * carries its canonical encoding: `canonicalSpki` when given, else `canonicalSpki(spki)`.
   */
  readonly subjectKey: { readonly spki: Buffer; readonly canonicalSpki?: Buffer; readonly publicKey: PublicKeyInfo };
  readonly authority: IssuingAuthority;
  readonly urls: PkiUrls;
  readonly now: Date;
  /** For golden tests only; production serials are always random. */
  readonly serial?: Buffer;
}

export interface IssuedCertificate {
  readonly der: Buffer;
  /** The SubjectPublicKeyInfo the certificate carries: the canonical encoding of the subject key. */
  readonly spki: Buffer;
  readonly serialNumber: string;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Clock-skew allowance: a device whose clock runs a little behind still accepts a fresh certificate. */
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The extensions a profile yields; nothing comes from the CSR. */
export function profileExtensions(request: IssueRequest, spki = subjectSpki(request)): Extension[] {
  const { profile, input, subjectKey, authority, urls } = request;
  const extensions: Extension[] = [
    basicConstraintsExtension(false),
    keyUsageExtension(profile.keyUsage(subjectKey.publicKey)),
    extendedKeyUsageExtension(profile.extendedKeyUsage.map((e) => EXTENDED_KEY_USAGES[e])),
    subjectKeyIdentifierExtension(keyIdentifier(spki)),
    authorityKeyIdentifierExtension(authority.keyId),
  ];
  const altNames = profile.subjectAltNames(input);
  if (altNames.length > 0) {
    extensions.push(subjectAltNameExtension(altNames));
  }
  if (profile.ocspNoCheck) {
    // RFC 6960 4.2.2.2.1: a delegated responder's own status is not checked by OCSP.
    extensions.push(ocspNoCheckExtension());
  } else {
    extensions.push(crlDistributionPointsExtension(urls.crl), authorityInfoAccessExtension(urls.ocsp, urls.caIssuers));
  }
  return extensions;
}

/**
 * The SPKI a certificate carries: the canonical encoding of the key (an uncompressed point on a
 * named curve), not necessarily the bytes the requester sent. The key is the same, and every
 * relying party reads this form: RFC 5480 makes only uncompressed points mandatory to support,
 * and Java refuses compressed ones. It is also the form that key comparisons hash.
 */
const subjectSpki = (request: IssueRequest): Buffer =>
  request.subjectKey.canonicalSpki ?? canonicalSpki(request.subjectKey.spki);

/**
 * Issuance pipeline: the profile yields subject and extensions, the issuer fixes serial and
 * validity (never outside the CA's own), lints the to-be-signed certificate (nothing that breaks
 * a rule is ever signed), signs through the Signer, and checks its own output.
 */
export async function issueCertificate(request: IssueRequest): Promise<IssuedCertificate> {
  const { profile, authority, now } = request;
  const subject = buildSubject(profile, request.input);
  const caNotAfter = new Date(authority.certificate.validTo);
  const caNotBefore = new Date(authority.certificate.validFrom);
  // Backdated for clock skew, but never before the CA itself (a CA made a minute ago issues at once).
  const backdated = Math.floor((now.getTime() - BACKDATE_MS) / 1000) * 1000;
  const notBefore = new Date(Math.max(backdated, caNotBefore.getTime()));
  const wanted = new Date(Math.floor((now.getTime() + profile.validityDays * DAY_MS) / 1000) * 1000);
  const notAfter = wanted.getTime() > caNotAfter.getTime() ? caNotAfter : wanted;
  if (notAfter.getTime() <= now.getTime()) {
    throw new PkiError('CA_KEY_INVALID', 'The issuing CA certificate has expired: renew it before issuing.');
  }
  const serial = request.serial ?? randomSerial();
  const spki = subjectSpki(request);
  const der = await signCertificate(
    {
      serial,
      issuerName: authority.subjectName,
      subjectName: nameToDer(subject),
      notBefore,
      notAfter,
      spki,
      extensions: profileExtensions(request, spki),
    },
    authority.signer,
    { issuer: authority.certificate, profile },
  );
  selfCheck(der, authority, { notBefore, notAfter });
  return { der, spki, serialNumber: serialToHex(serial), subject, notBefore, notAfter };
}
