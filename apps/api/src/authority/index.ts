/** The authority's public face: other contexts import from here, never from its files. */
export { AuthorityModule } from './authority.module';
export {
  AuthorityService,
  spkiHash,
  subjectKeyOf,
  type AuthorityActor,
  type CertificateOwner,
  type SubjectKey,
} from './authority.service';
export { CaService } from './ca.service';
export { CA_KEY_STORE, caKeyStoreFor, caPassphraseOf, SoftwareCaKeyStore, type CaKeyStore } from './ca-key-store';
export type { RootOcsp } from './ca.service';
export { ROOT_CRL_DAYS } from './ceremony';
export {
  CertificatesRepository,
  type CertificateFilter,
  type CertificateRecord,
  type CertificateRow,
  type CertificateStatusRow,
} from './certificates.repository';
export { CrlService } from './crl.service';
export { CEREMONIES, runCeremony, type CeremonyName } from './ceremony-command';
