import { DataSource } from 'typeorm';
import { readCertificate } from '@enroll/pki';
import { AuditService } from '../audit/audit.service';
import { one } from '../common/sql';
import type { AppConfig } from '../config/app-config';
import { caKeyStoreFor, caPassphraseOf } from './ca-key-store';
import { CaService } from './ca.service';
import { CertificatesRepository } from './certificates.repository';
import { readRootKey, rootKeyFileOf } from './root-key';

export const CEREMONIES = ['status', 'sign-root-crl', 'reissue-issuing', 'renew-root-ocsp'] as const;
export type CeremonyName = (typeof CEREMONIES)[number];

/**
 * Runs one ceremony against the database (`npm run ca -- <name>`): reads the root key from its
 * file (ENROLL_ROOT_KEY_FILE, passphrase ENROLL_ROOT_PASSPHRASE), does the work in one
 * transaction under the CA lock, and forgets the key. Returns what to print.
 */
export async function runCeremony(
  name: CeremonyName,
  config: AppConfig,
  db: DataSource,
  now = new Date(),
): Promise<string> {
  if (name === 'status') {
    return status(config, db, now);
  }
  const ca = new CaService(
    db,
    { now: () => now },
    new CertificatesRepository(db),
    new AuditService(db),
    config,
    caKeyStoreFor(config),
  );
  const ceremonies = ca.ceremonies();
  return db.transaction(async (q) => {
    await q.query(`SELECT pg_advisory_xact_lock(7402)`);
    const rootRow = await ceremonies.stored(q, 'root');
    const root = readRootKey(rootKeyFileOf(config, caPassphraseOf(config)), rootRow.certificate_pem);
    switch (name) {
      case 'sign-root-crl':
        return `Signed the root CRL number ${String(await ceremonies.signRootCrl(q, root, now))}.`;
      case 'reissue-issuing':
        return `Issued a new issuing CA certificate for the same key: serial ${await ceremonies.reissueIssuing(q, root, now)}. Restart the API processes to serve it.`;
      case 'renew-root-ocsp':
        return `Issued a new root OCSP responder certificate: serial ${await ceremonies.renewRootOcsp(q, root, now)}. Restart the API processes to use it.`;
    }
  });
}

async function status(config: AppConfig, db: DataSource, now: Date): Promise<string> {
  const cas = await db.query<{ name: string; certificate_pem: string; encrypted_key_pem: string | null }[]>(
    `SELECT name, certificate_pem, encrypted_key_pem FROM certificate_authorities ORDER BY name`,
  );
  const crl = await one<{ crl_number: string; next_update: Date }>(
    db,
    `SELECT crl_number, next_update FROM root_crls ORDER BY crl_number DESC LIMIT 1`,
  );
  const lines = cas.map((c) => {
    const parts = readCertificate(c.certificate_pem);
    const key =
      c.name === 'root'
        ? c.encrypted_key_pem === null
          ? `offline (${config.rootKeyFile})`
          : 'STILL IN THE DATABASE'
        : 'online';
    return `${c.name.padEnd(10)} ${parts.x509.subject.replace(/\n/g, ', ')}; serial ${parts.serialNumber}; until ${new Date(parts.x509.validTo).toISOString()}; key ${key}`;
  });
  const days = crl ? Math.floor((crl.next_update.getTime() - now.getTime()) / 86_400_000) : undefined;
  lines.push(
    crl
      ? `root CRL   number ${crl.crl_number}, next update ${crl.next_update.toISOString()} (${String(days)} days${(days ?? 0) < 30 ? ': sign a new one now' : ''})`
      : 'root CRL   none',
  );
  return lines.join('\n');
}
