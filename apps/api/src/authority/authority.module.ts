import { Module, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuthorityService } from './authority.service';
import { CA_KEY_STORE, caKeyStoreFor } from './ca-key-store';
import { CaService } from './ca.service';
import { CertificatesRepository } from './certificates.repository';
import { CrlService } from './crl.service';

/** The authority: the CA's keys, issuance, revocation, certificate status and the CRL, and their store. */
@Module({
  providers: [
    { provide: CA_KEY_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => caKeyStoreFor(config) },
    CaService,
    CertificatesRepository,
    AuthorityService,
    CrlService,
  ],
  exports: [CaService, AuthorityService, CertificatesRepository, CrlService],
})
export class AuthorityModule implements OnModuleInit {
  constructor(private readonly ca: CaService) {}

  async onModuleInit(): Promise<void> {
    await this.ca.init();
  }
}
