/**
 * What the package file (`clientConfig` of `POST /api/v1/packages`) carries besides `ClientConfig`
 * for the client's trust bootstrap (issue 13), as `step ca bootstrap --fingerprint` takes it: the
 * CA chain the client fetches, over plain HTTP or not, must end with this root.
 */
export interface ClientConfigTrust {
  /** SHA-256 of the root CA certificate (DER), upper-case hex, 64 digits. */
  caFingerprint: string;
}
