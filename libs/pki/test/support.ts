import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCertificateAuthority,
  issueCertificate,
  loadCertificateAuthority,
  parseCsr,
  pkiUrls,
  PROFILES,
  toPem,
  type CertificateAuthority,
  type KeyAlgorithm,
  type ProfileName,
  type ProfileInput,
  type IssuedCertificate,
} from '../src';

export const FIXTURES = join(__dirname, 'fixtures');
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
export const PASSPHRASE = 'correct horse battery staple';
export const NOW = new Date('2026-11-24T12:00:00Z');
export const URLS = pkiUrls('http://pki.example.test:3000');

/** A scratch folder for openssl's inputs, removed by `cleanup`. */
export function scratch(): {
  path: (name: string) => string;
  write: (name: string, data: string | Buffer) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'enroll-pki-'));
  return {
    path: (name) => join(dir, name),
    write: (name, data) => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs openssl and returns status and output; tests assert on both. */
export function openssl(
  args: readonly string[],
  input?: Buffer | string,
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, input === undefined ? {} : { input });
  return {
    status: result.status ?? -1,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
  };
}

export const opensslText = (pem: string): string =>
  execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem }).toString();

const cas = new Map<KeyAlgorithm, Promise<CertificateAuthority>>();
/** One CA per key algorithm per test file (key generation is the slow part). */
export function testCa(algorithm: KeyAlgorithm = 'RSA-2048'): Promise<CertificateAuthority> {
  let ca = cas.get(algorithm);
  if (!ca) {
    ca = createCertificateAuthority({
      passphrase: PASSPHRASE,
      now: new Date(NOW.getTime() - 86_400_000),
      keyAlgorithm: algorithm,
    }).then((stored) => loadCertificateAuthority(stored, PASSPHRASE));
    cas.set(algorithm, ca);
  }
  return ca;
}

/** Issues a certificate for a fixture CSR under a profile. */
export async function issueFor(
  ca: CertificateAuthority,
  csrFixture: string,
  profile: ProfileName,
  input: Partial<ProfileInput> = {},
): Promise<IssuedCertificate> {
  const csr = parseCsr(fixture(csrFixture));
  return issueCertificate({
    profile: PROFILES[profile],
    input: {
      commonName: 'api.example.org',
      organizationCode: 'J1CFRA',
      country: 'FR',
      state: 'Ile-de-France',
      locality: 'Paris',
      ...input,
    },
    subjectKey: csr,
    authority: ca.authority,
    urls: URLS,
    now: NOW,
  });
}

export const certPem = (der: Buffer): string => toPem('CERTIFICATE', der);
