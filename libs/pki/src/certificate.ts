import { X509Certificate } from 'node:crypto';
import { PkiError } from './errors';
import { children, Class, encode, parseStrictDer, valueBytes } from './der';
import { readName, type DistinguishedName } from './name';
import { keyIdentifier } from './extensions';
import { serialToHex } from './serial';
import { decodeSinglePem } from './pem';

/** The parts of a certificate the CA needs byte-exact: names, key, serial. Read-only. */
export interface CertificateParts {
  readonly der: Buffer;
  readonly serial: Buffer;
  readonly serialNumber: string;
  readonly issuerName: Buffer;
  readonly subjectName: Buffer;
  readonly subject: DistinguishedName;
  readonly spki: Buffer;
  readonly keyId: Buffer;
  readonly x509: X509Certificate;
}

/** Reads a DER or PEM certificate into its parts (node:crypto parses it too, as a cross-check). */
export function readCertificate(input: Buffer | string): CertificateParts {
  const der =
    typeof input === 'string' ? decodeSinglePem(input, ['CERTIFICATE'], 'CSR_MALFORMED', 'certificate') : input;
  const root = parseStrictDer(der, 'CSR_MALFORMED', 'The certificate');
  const tbs = children(children(root)[0]);
  // With the [0] version present: version, serial, signature, issuer, validity, subject, spki.
  const offset = tbs[0]?.tagClass === Class.CONTEXT_SPECIFIC ? 1 : 0;
  const [serialNode, , issuerNode, , subjectNode, spkiNode] = tbs.slice(offset);
  if (!serialNode || !issuerNode || !subjectNode || !spkiNode) {
    throw new PkiError('CSR_MALFORMED', 'The certificate does not have the X.509 structure.');
  }
  const spki = encode(spkiNode);
  const serial = valueBytes(serialNode);
  return {
    der,
    serial,
    serialNumber: serialToHex(serial),
    issuerName: encode(issuerNode),
    subjectName: encode(subjectNode),
    subject: readName(subjectNode),
    spki,
    keyId: keyIdentifier(spki),
    x509: new X509Certificate(der),
  };
}
