import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  checkPublicKey,
  createCertificateAuthority,
  issueCertificate,
  loadCertificateAuthority,
  pkiUrls,
  PROFILES,
  toPem,
  type CertificateAuthority,
  type ProfileInput,
  type ProfileName,
} from '@enroll/pki';

const PASSPHRASE = 'test passphrase for the unit tests CA';

/** A real CA from the CA library (EC P-256: fast to make), created a day in the past. */
export async function makeTestCa(): Promise<CertificateAuthority> {
  const stored = await createCertificateAuthority({
    passphrase: PASSPHRASE,
    now: new Date(Date.now() - 86_400_000),
    keyAlgorithm: 'EC-P256',
  });
  return loadCertificateAuthority(stored, PASSPHRASE);
}

/** Issues a certificate for a public key under a profile, as the API would at approval. */
export async function issueFor(
  ca: CertificateAuthority,
  profile: ProfileName,
  publicKey: KeyObject,
  input: ProfileInput,
  now: Date = new Date(),
): Promise<{ der: Buffer; pem: string; serialNumber: string }> {
  const checked = checkPublicKey(
    (publicKey.type === 'public' ? publicKey : createPublicKey(publicKey)).export({ type: 'spki', format: 'der' }),
  );
  const issued = await issueCertificate({
    profile: PROFILES[profile],
    input,
    subjectKey: { spki: checked.spki, publicKey: checked.info },
    authority: ca.authority,
    urls: pkiUrls('http://127.0.0.1:9'),
    now,
  });
  return { der: issued.der, pem: toPem('CERTIFICATE', issued.der), serialNumber: issued.serialNumber };
}
