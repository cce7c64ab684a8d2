import { certificatesToPem, certificatesToPkcs7 } from '@enroll/pki';
import { AppError } from '../common/app-error';

export const CERTIFICATE_FORMATS = ['pem', 'der', 'p7b'] as const;
export type CertificateFormat = (typeof CERTIFICATE_FORMATS)[number];

export interface RenderedCertificate {
  readonly contentType: string;
  readonly extension: string;
  readonly body: Buffer | string;
}

/** PEM is the leaf then the chain; DER the leaf alone; P7B the leaf and the chain. */
export function renderCertificate(
  format: string | undefined,
  leaf: Buffer,
  chain: readonly Buffer[],
): RenderedCertificate {
  switch ((format ?? 'pem') as CertificateFormat) {
    case 'pem':
      return {
        contentType: 'application/pem-certificate-chain',
        extension: 'pem',
        body: certificatesToPem([leaf, ...chain]),
      };
    case 'der':
      return { contentType: 'application/pkix-cert', extension: 'cer', body: leaf };
    case 'p7b':
      return { contentType: 'application/pkcs7-mime', extension: 'p7b', body: certificatesToPkcs7([leaf, ...chain]) };
    default:
      throw new AppError('VALIDATION_FAILED', `format must be one of ${CERTIFICATE_FORMATS.join(', ')}.`);
  }
}
