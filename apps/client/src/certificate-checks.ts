import { X509Certificate } from 'node:crypto';
import { isPkiError, readCertificate, type CertificateParts } from '@enroll/pki';
import { splitPemCertificates } from './config-store';
import { OperationError } from './errors';
import { keyMatches } from './own-csr';

/** A downloaded certificate bundle: the leaf first, then its chain (from the bundle, or ca.pem). */
export interface CertificateBundle {
  readonly leaf: CertificateParts;
  readonly chain: readonly Buffer[];
}

/** Reads the PEM the API returns (leaf then chain). A bundle with no chain borrows ca.pem's. */
export function readBundle(pem: string, caChainPem: string, url: string): CertificateBundle {
  const blocks = splitPemCertificates(pem);
  const [first, ...rest] = blocks;
  if (first === undefined) {
    throw new OperationError('UNEXPECTED_RESPONSE', `The service at ${url} did not answer with a PEM certificate.`);
  }
  try {
    const leaf = readCertificate(first);
    const chainBlocks = rest.length > 0 ? rest : splitPemCertificates(caChainPem);
    return { leaf, chain: chainBlocks.map((block) => readCertificate(block).der) };
  } catch (error) {
    if (isPkiError(error)) {
      throw new OperationError('UNEXPECTED_RESPONSE', `The certificate from ${url} cannot be read: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Whether a CA of the chain saved in the client folder signed a certificate. Every certificate in
 * that file is a trust anchor (it is what the mTLS calls trust), so one verified signature is enough:
 * this is the local half of "unknown issuer".
 */
export function issuedByCaChain(certificate: X509Certificate, caChainPem: string): boolean {
  return splitPemCertificates(caChainPem)
    .map((block) => new X509Certificate(block))
    .some((ca) => ca.ca && certificate.checkIssued(ca) && certificate.verify(ca.publicKey));
}

/** The checks `enroll test` makes before it calls the service, in the order it reports them. */
export type LocalCheck = 'ok' | 'key-mismatch' | 'not-yet-valid' | 'expired' | 'unknown-issuer';

export function localCertificateCheck(input: {
  certificatePem: string;
  keyPem: string;
  caChainPem: string;
  now: Date;
}): LocalCheck {
  const certificate = new X509Certificate(input.certificatePem);
  if (!keyMatches(input.keyPem, certificate.publicKey.export({ type: 'spki', format: 'der' }))) {
    return 'key-mismatch';
  }
  if (input.now.getTime() < new Date(certificate.validFrom).getTime()) {
    return 'not-yet-valid';
  }
  if (input.now.getTime() > new Date(certificate.validTo).getTime()) {
    return 'expired';
  }
  return issuedByCaChain(certificate, input.caChainPem) ? 'ok' : 'unknown-issuer';
}
