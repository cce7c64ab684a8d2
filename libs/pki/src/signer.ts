import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { describeKey, type PublicKeyInfo } from './public-key';
import { signatureAlgorithmFor, type HashName } from './signature-algorithm';

/**
 * What signs for a CA: certificates, CRLs and OCSP responses go through this interface, so that
 * a hardware module can replace the software key without touching the issuers.
 */
export interface Signer {
  /** OID of the signature algorithm this signer produces. */
  readonly algorithmOid: string;
  readonly publicKey: PublicKeyInfo;
  /** DER SubjectPublicKeyInfo of the signing key. */
  readonly spki: Buffer;
  sign(data: Buffer): Promise<Buffer>;
}

/**
 * A software key held in memory as a parsed KeyObject (parsing a PEM per signature costs 3.5x).
 * Signing runs on libuv's thread pool through node:crypto, so it uses every core.
 */
export class SoftwareSigner implements Signer {
  readonly algorithmOid: string;
  readonly publicKey: PublicKeyInfo;
  readonly spki: Buffer;
  private readonly hash: HashName;

  constructor(private readonly key: KeyObject) {
    const publicKey = createPublicKey(key);
    this.publicKey = describeKey(publicKey);
    this.spki = publicKey.export({ format: 'der', type: 'spki' });
    const algorithm = signatureAlgorithmFor(this.publicKey);
    this.algorithmOid = algorithm.oid;
    this.hash = algorithm.hash;
  }

  sign(data: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      sign(this.hash, data, this.key, (error, signature) => {
        if (error) {
          reject(error);
        } else {
          resolve(signature);
        }
      });
    });
  }
}
