import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  createCertificateAuthority, issueCertificate, loadCertificateAuthority, pkiUrls, PROFILES,
  type CertificateAuthority, type IssuedCertificate, type ProfileInput, type ProfileName, type PublicKeyInfo, type PkiUrls,
} from '@enroll/pki';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';

interface StoredRow {
  name: 'root' | 'issuing';
  certificate_pem: string;
  encrypted_key_pem: string;
}

/**
 * The CA of this deployment: created in the database at first start (under an advisory lock,
 * so that concurrent first starts agree), then loaded and kept in memory as parsed keys.
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
    const passphrase = this.passphrase();
    let rows = await this.read();
    if (rows.length === 0) {
      rows = await this.db.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(7402)`);
        const existing: StoredRow[] = await manager.query(`SELECT name, certificate_pem, encrypted_key_pem FROM certificate_authorities`);
        if (existing.length > 0) {
          return existing;
        }
        this.logger.log(`Creating the root and issuing CA (${this.config.caKeyAlgorithm})...`);
        const stored = await createCertificateAuthority({ passphrase, now: this.clock.now(), keyAlgorithm: this.config.caKeyAlgorithm });
        const created: StoredRow[] = [
          { name: 'root', certificate_pem: stored.root.certificatePem, encrypted_key_pem: stored.root.encryptedKeyPem },
          { name: 'issuing', certificate_pem: stored.issuing.certificatePem, encrypted_key_pem: stored.issuing.encryptedKeyPem },
        ];
        for (const row of created) {
          await manager.query(`INSERT INTO certificate_authorities (name, certificate_pem, encrypted_key_pem) VALUES ($1, $2, $3)`, [row.name, row.certificate_pem, row.encrypted_key_pem]);
        }
        return created;
      });
    }
    const root = rows.find((r) => r.name === 'root');
    const issuing = rows.find((r) => r.name === 'issuing');
    if (!root || !issuing) {
      throw new Error('The certificate_authorities table is incomplete.');
    }
    this.loaded = loadCertificateAuthority(
      { root: { certificatePem: root.certificate_pem, encryptedKeyPem: root.encrypted_key_pem }, issuing: { certificatePem: issuing.certificate_pem, encryptedKeyPem: issuing.encrypted_key_pem } },
      passphrase,
    );
  }

  /** Issues a certificate from a profile with the issuing CA. */
  issue(profile: ProfileName, input: ProfileInput, subjectKey: { spki: Buffer; publicKey: PublicKeyInfo }, now: Date): Promise<IssuedCertificate> {
    return issueCertificate({ profile: PROFILES[profile], input, subjectKey, authority: this.ca.authority, urls: this.urls, now });
  }

  private read(): Promise<StoredRow[]> {
    return this.db.query(`SELECT name, certificate_pem, encrypted_key_pem FROM certificate_authorities`);
  }

  /** ENROLL_CA_PASSPHRASE, or one generated once into the data folder (0600) with a warning. */
  private passphrase(): string {
    if (this.config.caPassphrase) {
      return this.config.caPassphrase;
    }
    const file = join(this.config.dataDir, 'ca-passphrase');
    if (!existsSync(file)) {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      this.logger.warn(`ENROLL_CA_PASSPHRASE is not set: generated one into ${file} (mode 0600). Set ENROLL_CA_PASSPHRASE in production and keep it apart from the database.`);
    }
    return readFileSync(file, 'utf8').trim();
  }
}
