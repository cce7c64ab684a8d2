import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  assembleCertificateAuthority,
  decryptPrivateKey,
  pkiUrls,
  readCertificate,
  rootCa,
  type CertificateAuthority,
  type CertificateParts,
  type PkiUrls,
  type Signer,
} from '@enroll/pki';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { one, rows, type Queryable } from '../common/sql';
import { CA_KEY_STORE, caPassphraseOf, SoftwareKeys, type CaKeyStore } from './ca-key-store';
import { recordOfCertificate } from './certificate-record';
import { Ceremonies, type StoredCa } from './ceremony';
import { CertificatesRepository } from './certificates.repository';
import { rootKeyFileOf, writeRootKey, type RootKeyFile } from './root-key';

/** The root's delegated OCSP responder, loaded: it answers for the certificates the root issued. */
export interface RootOcsp {
  readonly root: CertificateParts;
  readonly certificate: CertificateParts;
  readonly signer: Signer;
}

const CA_LOCK = 7402;

/**
 * The CA of this deployment, loaded. At first start it runs the bootstrap ceremony (root, issuing
 * CA, the root's OCSP responder and CRL), writes the root key to its file, and forgets it: the
 * running API holds the issuing key (through the CaKeyStore) and the root's delegated OCSP
 * responder, never the root key. An installation whose root key is still in the database gets the
 * same treatment once, under the same lock: a new issuing certificate for the same key with the
 * root's CDP and AIA, the responder, the root CRL, and the root key moved out.
 */
@Injectable()
export class CaService {
  private readonly logger = new Logger(CaService.name);
  private loaded: { ca: CertificateAuthority; rootOcsp: RootOcsp } | undefined;
  readonly urls: PkiUrls;
  private readonly softwareKeys: SoftwareKeys;
  private readonly rootKeyFile: RootKeyFile;
  private readonly caPassphrase: () => string;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly certificates: CertificatesRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CA_KEY_STORE) private readonly keys: CaKeyStore,
  ) {
    this.urls = pkiUrls(config.publicUrl);
    this.caPassphrase = caPassphraseOf(config);
    this.softwareKeys = new SoftwareKeys(this.caPassphrase);
    this.rootKeyFile = rootKeyFileOf(config, this.caPassphrase);
  }

  get ca(): CertificateAuthority {
    if (!this.loaded) {
      throw new Error('The CA is not loaded yet.');
    }
    return this.loaded.ca;
  }

  get rootOcsp(): RootOcsp {
    if (!this.loaded) {
      throw new Error('The CA is not loaded yet.');
    }
    return this.loaded.rootOcsp;
  }

  /** The ceremonies, for the `npm run ca` command (the API itself runs only bootstrap and the move offline). */
  ceremonies(): Ceremonies {
    return new Ceremonies(this.certificates, this.audit, this.keys, this.softwareKeys, this.config.publicUrl);
  }

  /** Loads the CA, creating it first if the database has none, or taking an older root key offline. */
  async init(): Promise<void> {
    let stored = await this.read(this.db);
    if (!this.settled(stored)) {
      stored = await this.db.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(${CA_LOCK})`);
        const now = this.clock.now();
        const current = await this.read(manager);
        if (current.length === 0) {
          this.logger.log(
            `Creating the root and issuing CA (${this.config.caKeyAlgorithm}, ${this.keys.description})...`,
          );
          const root = await this.ceremonies().bootstrap(manager, this.config.caKeyAlgorithm, now);
          await writeRootKey(this.rootKeyFile, root.key);
          this.warnRootKey();
        } else if (!this.settled(current)) {
          await this.takeRootOffline(manager, current, now);
        }
        await this.strengthenIssuingKey(manager);
        return this.read(manager);
      });
    }
    const root = find(stored, 'root');
    const issuing = find(stored, 'issuing');
    const ocsp = find(stored, 'root-ocsp');
    const signer = await this.keys.load(issuing.encrypted_key_pem ?? '');
    const ca = assembleCertificateAuthority(
      { rootPem: root.certificate_pem, issuingPem: issuing.certificate_pem },
      signer,
    );
    const rootOcsp = {
      root: ca.root,
      certificate: readCertificate(ocsp.certificate_pem),
      signer: this.softwareKeys.signer(ocsp.encrypted_key_pem ?? ''),
    };
    this.loaded = { ca, rootOcsp };
  }

  /** The issuing CA then the root, DER: what goes after a leaf in every chain the API hands out. */
  get chainDer(): Buffer[] {
    return [this.ca.issuing.der, this.ca.root.der];
  }

  /** The root's newest CRL (signed in a ceremony). */
  async rootCrl(): Promise<{ der: Buffer; next_update: Date } | undefined> {
    return one(this.db, `SELECT der, next_update FROM root_crls ORDER BY crl_number DESC LIMIT 1`);
  }

  /** Done when the root key is out of the database and the root's responder exists. */
  private settled(stored: StoredCa[]): boolean {
    const root = stored.find((r) => r.name === 'root');
    return root !== undefined && root.encrypted_key_pem === null && stored.some((r) => r.name === 'root-ocsp');
  }

  /** An installation from before the offline root: the upgrade ceremony, once, with the key still at hand. */
  private async takeRootOffline(q: Queryable, stored: StoredCa[], now: Date): Promise<void> {
    const rootRow = find(stored, 'root');
    if (rootRow.encrypted_key_pem === null) {
      throw new Error(
        'The root key is offline but the root OCSP responder is missing: run `npm run ca -- renew-root-ocsp` with the root key.',
      );
    }
    this.logger.warn(
      'Moving the root key out of the database (the root goes offline) and re-issuing the issuing CA certificate with the root CRL and OCSP...',
    );
    const root = rootCa(decryptPrivateKey(rootRow.encrypted_key_pem, this.caPassphrase()), rootRow.certificate_pem);
    const ceremonies = this.ceremonies();
    await this.certificates.insert(
      q,
      recordOfCertificate(root.certificate.der, 'root-ca', root.certificate.keyId, now),
      { ifMissing: true },
    );
    await ceremonies.reissueIssuing(q, root, now);
    await ceremonies.renewRootOcsp(q, root, now);
    await ceremonies.signRootCrl(q, root, now);
    await writeRootKey(this.rootKeyFile, root.key);
    await q.query(`UPDATE certificate_authorities SET encrypted_key_pem = NULL WHERE name = 'root'`);
    await this.audit.record(q, {
      at: now,
      actor: 'ceremony',
      actorType: 'system',
      action: 'ca.root.offline',
      details: { rootKeyFile: this.rootKeyFile.path },
    });
    this.warnRootKey();
  }

  private async strengthenIssuingKey(q: Queryable): Promise<void> {
    const issuing = await this.ceremonies().stored(q, 'issuing');
    const stronger =
      issuing.encrypted_key_pem === null ? undefined : await this.keys.strengthen(issuing.encrypted_key_pem);
    if (stronger) {
      await q.query(`UPDATE certificate_authorities SET encrypted_key_pem = $1 WHERE name = 'issuing'`, [stronger]);
      this.logger.log('Re-encrypted the issuing key with PBKDF2-SHA256 at 600,000 iterations.');
    }
  }

  private warnRootKey(): void {
    this.logger.warn(
      `The root CA key is in ${this.rootKeyFile.path}${this.rootKeyFile.sharesCaPassphrase ? ', encrypted with the CA passphrase (ENROLL_ROOT_PASSPHRASE is not set)' : ''}. ` +
        'The API never reads it again: move it offline (and set ENROLL_ROOT_KEY_FILE for ceremonies, `npm run ca`).',
    );
  }

  private read(db: Queryable): Promise<StoredCa[]> {
    return rows<StoredCa>(db, `SELECT name, certificate_pem, encrypted_key_pem FROM certificate_authorities`);
  }
}

function find(stored: StoredCa[], name: StoredCa['name']): StoredCa {
  const row = stored.find((r) => r.name === name);
  if (!row) {
    throw new Error(`The certificate_authorities table has no ${name} row.`);
  }
  return row;
}
