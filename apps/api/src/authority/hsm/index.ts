/** The issuing key in a hardware module over PKCS#11 (pkcs11js), behind the CaKeyStore seam. */
export { ecdsaRawToDer } from './ecdsa-signature';
export {
  ecSpki,
  Pkcs11CaKeyStore,
  refusingTokenReferences,
  rsaSpki,
  type Pkcs11KeyStoreOptions,
} from './pkcs11-key-store';
export { EC_PARAMS, Pkcs11Signer } from './pkcs11-signer';
export { Pkcs11Error, pkcs11js, Pkcs11Token, type Pkcs11TokenOptions } from './pkcs11-token';
export { formatPkcs11Uri, isPkcs11Uri, parsePkcs11Uri, type Pkcs11KeyReference } from './pkcs11-uri';
