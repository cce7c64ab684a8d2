/**
 * @enroll/pki: the certificate authority library of Enroll. Framework-free; node-forge for
 * ASN.1 structures, node:crypto for every key operation.
 */
export * from './errors';
export * from './oids';
export { toPem, decodeSinglePem } from './pem';
export * from './name';
export * from './public-key';
export * from './signature-algorithm';
export * from './extensions';
export * from './csr';
export * from './csr-builder';
export * from './signer';
export * from './serial';
export * from './profile';
export * from './certificate';
export { signCertificate, selfCheck } from './certificate-builder';
export * from './lint';
export * from './issuer';
export * from './ca';
export * from './key-encryption';
export * from './revocation-reason';
export * from './crl';
export * from './ocsp';
export * from './export';
export * from './cms';
