import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pkiUrls, type CertificateAuthority, type PkiUrls, type StoredCertificateAuthority } from '@enroll/pki';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { rows } from '../common/sql';
import { CA_KEY_STORE, type CaKeyStore } from './ca-key-store';

interface StoredRow {
  name: 'root' | 'issuing';
  certificate_pem: string;
  encrypted_key_pem: string;
}

/**
 * The CA of this deployment: created in the database at first start (under an advisory lock,
 * so that concurrent first starts agree), then loaded through the key store and kept in memory.
 */
@Injectable()
export class CaService {
  private readonly logger = new Logger(CaService.name);
  private loaded: CertificateAuthority | undefined;
  readonly urls: PkiUrls;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CA_KEY_STORE) private readonly keys: CaKeyStore,
  ) {
    this.urls = pkiUrls(config.publicUrl);
  }

  get ca(): CertificateAuthority {
    if (!this.loaded) {
      throw new Error('The CA is not loaded yet.');
    }
    return this.loaded;
  }

  /** Loads the CA, creating it first if the database has none. */
  async init(): Promise<void> {
    let stored = await this.read(this.db);
    if (stored.length === 0) {
      stored = await this.db.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(7402)`);
        const existing = await this.read(manager);
        if (existing.length > 0) {
          return existing;
        }
        this.logger.log(`Creating the root and issuing CA (${this.config.caKeyAlgorithm}, ${this.keys.description})...`);
        const made = await this.keys.create(this.clock.now(), this.config.caKeyAlgorithm);
        const created: StoredRow[] = [
          { name: 'root', certificate_pem: made.root.certificatePem, encrypted_key_pem: made.root.encryptedKeyPem },
          { name: 'issuing', certificate_pem: made.issuing.certificatePem, encrypted_key_pem: made.issuing.encryptedKeyPem },
        ];
        for (const row of created) {
          await manager.query(`INSERT INTO certificate_authorities (name, certificate_pem, encrypted_key_pem) VALUES ($1, $2, $3)`, [
            row.name,
            row.certificate_pem,
            row.encrypted_key_pem,
          ]);
        }
        return created;
      });
    }
    this.loaded = await this.keys.load(storedCa(stored));
  }

  /** The issuing CA then the root, DER: what goes after a leaf in every chain the API hands out. */
  get chainDer(): Buffer[] {
    return [this.ca.issuing.der, this.ca.root.der];
  }

  private read(db: { query(sql: string): Promise<unknown> }): Promise<StoredRow[]> {
    return rows<StoredRow>(db, `SELECT name, certificate_pem, encrypted_key_pem FROM certificate_authorities`);
  }
}

function storedCa(stored: StoredRow[]): StoredCertificateAuthority {
  const root = stored.find((r) => r.name === 'root');
  const issuing = stored.find((r) => r.name === 'issuing');
  if (!root || !issuing) {
    throw new Error('The certificate_authorities table is incomplete.');
  }
  return {
    root: { certificatePem: root.certificate_pem, encryptedKeyPem: root.encrypted_key_pem },
    issuing: { certificatePem: issuing.certificate_pem, encryptedKeyPem: issuing.encrypted_key_pem },
  };
}
