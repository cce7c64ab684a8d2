import { createHash, createPublicKey, verify } from 'node:crypto';
import { describeKey, signatureAlgorithmFor, type HashName, type PublicKeyInfo, type Signer } from '@enroll/pki';
import { ecdsaRawToDer } from './ecdsa-signature';
import { Pkcs11Error, pkcs11js, type Pkcs11Token } from './pkcs11-token';

/** The DER OID of each curve, as CKA_EC_PARAMS holds it (namedCurve). */
export const EC_PARAMS: Readonly<Record<'P-256' | 'P-384', Buffer>> = {
  'P-256': Buffer.from('06082a8648ce3d030107', 'hex'),
  'P-384': Buffer.from('06052b81040022', 'hex'),
};

const RSA_MECHANISMS: Readonly<Record<HashName, () => number>> = {
  sha256: () => pkcs11js().CKM_SHA256_RSA_PKCS,
  sha384: () => pkcs11js().CKM_SHA384_RSA_PKCS,
  sha512: () => pkcs11js().CKM_SHA512_RSA_PKCS,
};

/**
 * A CA key kept in a PKCS#11 token. RSA signs with the token's combined hash-and-sign mechanism
 * (CKM_SHA256_RSA_PKCS for every size today, per signatureAlgorithmFor). ECDSA is hashed here and
 * signed with CKM_ECDSA, since SoftHSM (like many tokens) has no combined ECDSA-SHA2 mechanism;
 * the token's r||s is then DER-encoded as X.509 wants it.
 */
export class Pkcs11Signer implements Signer {
  readonly algorithmOid: string;
  readonly publicKey: PublicKeyInfo;
  private readonly hash: HashName;
  private readonly signatureLength: number;

  constructor(
    private readonly token: Pkcs11Token,
    private readonly privateKey: Buffer,
    readonly spki: Buffer,
  ) {
    this.publicKey = describeKey(createPublicKey({ key: spki, format: 'der', type: 'spki' }));
    const algorithm = signatureAlgorithmFor(this.publicKey);
    this.algorithmOid = algorithm.oid;
    this.hash = algorithm.hash;
    this.signatureLength =
      this.publicKey.algorithm === 'RSA' ? this.publicKey.size / 8 : this.publicKey.curve === 'P-384' ? 96 : 64;
  }

  async sign(data: Buffer): Promise<Buffer> {
    if (this.publicKey.algorithm === 'RSA') {
      return this.token.sign({ mechanism: RSA_MECHANISMS[this.hash]() }, this.privateKey, data, this.signatureLength);
    }
    const digest = createHash(this.hash).update(data).digest();
    const raw = await this.token.sign(
      { mechanism: pkcs11js().CKM_ECDSA },
      this.privateKey,
      digest,
      this.signatureLength,
    );
    return ecdsaRawToDer(raw);
  }

  /** Signs a test message and verifies it with the public key: the token's key pair is whole and usable. */
  async selfTest(description: string): Promise<void> {
    const message = Buffer.from(`Enroll PKCS#11 self-test ${new Date().toISOString()}`);
    let valid = false;
    try {
      const signature = await this.sign(message);
      valid = verify(this.hash, message, createPublicKey({ key: this.spki, format: 'der', type: 'spki' }), signature);
    } catch (error) {
      throw new Pkcs11Error(
        `The issuing key ${description} cannot sign: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!valid) {
      throw new Pkcs11Error(
        `The issuing key ${description} signs, but not for its public key: its key pair is broken.`,
      );
    }
  }
}
