import { X509Certificate, createHash } from 'node:crypto';
import { parseClientConfig, type ClientConfig } from './client-config';
import { OperationError, UsageError } from './errors';
import { ensureDir, PRIVATE_DIR, PRIVATE_FILE, PUBLIC_FILE, readTextIfExists, writeFileAtomic } from './fs-util';
import type { ClientPaths } from './paths';

/** The loaded package, or a UsageError telling the user to run `enroll init`. */
export async function loadConfig(paths: ClientPaths): Promise<ClientConfig> {
  const text = await readTextIfExists(paths.configFile);
  if (text === undefined) {
    throw new UsageError(
      'NOT_INITIALIZED',
      `No enrollment package is loaded in ${paths.home}: run \`enroll init <package file>\` first.`,
    );
  }
  return parseClientConfig(text, paths.configFile);
}

/** Saves the package (it holds the token: private file in a private folder). */
export async function saveConfig(paths: ClientPaths, config: ClientConfig): Promise<void> {
  await ensureDir(paths.home, PRIVATE_DIR);
  await writeFileAtomic(paths.configFile, `${JSON.stringify(config, null, 2)}\n`, PRIVATE_FILE);
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in order. */
export const splitPemCertificates = (pem: string): string[] =>
  (pem.match(PEM_CERTIFICATE) ?? []).map((block) => `${block.replace(/\r\n/g, '\n')}\n`);

/** A CA certificate of the chain, for display at init (so that an administrator can compare fingerprints). */
export interface ChainEntry {
  readonly subject: string;
  readonly notAfter: string;
  readonly sha256: string;
}

/**
 * Checks that a CA chain holds CA certificates only, each readable; returns them for display.
 * `source` names where it came from, for the error message.
 */
export function checkCaChain(pem: string, source: string): ChainEntry[] {
  const blocks = splitPemCertificates(pem);
  if (blocks.length === 0) {
    throw new OperationError('CA_CHAIN_INVALID', `${source} holds no PEM certificate.`);
  }
  return blocks.map((block) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch {
      throw new OperationError('CA_CHAIN_INVALID', `${source} holds a certificate that cannot be read.`);
    }
    if (!certificate.ca) {
      throw new OperationError(
        'CA_CHAIN_INVALID',
        `${source} holds a certificate that is not a CA (${certificate.subject.replace(/\n/g, ', ')}).`,
      );
    }
    return {
      subject: certificate.subject.replace(/\n/g, ', '),
      notAfter: new Date(certificate.validTo).toISOString(),
      sha256: createHash('sha256').update(certificate.raw).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '',
    };
  });
}

const normalizeFingerprint = (value: string): string => value.replace(/:/g, '').toUpperCase();

/**
 * Checks a fetched CA chain against the root fingerprint that the package file carries (as
 * `step ca bootstrap --fingerprint` does): over plain HTTP, or behind a proxy, anyone on the way
 * could hand the client another CA, and the chain becomes the only trust anchor of its mutual-TLS
 * calls. The last certificate must be that root, and each one must be issued and signed by the
 * next. Without a fingerprint (older package files) there is nothing to compare: trust on first use.
 */
export function checkChainAnchor(pem: string, source: string, rootFingerprint: string | undefined): void {
  if (rootFingerprint === undefined) {
    return;
  }
  const certificates = splitPemCertificates(pem).map((block) => new X509Certificate(block));
  const root = certificates.at(-1);
  const rootSha256 = root ? createHash('sha256').update(root.raw).digest('hex').toUpperCase() : '';
  if (rootSha256 !== normalizeFingerprint(rootFingerprint)) {
    throw new OperationError(
      'CA_FINGERPRINT_MISMATCH',
      `The CA chain from ${source} does not end with the root CA of the package file (SHA-256 ${rootFingerprint}): it was not saved. Something between this device and the service may be forging it; tell your administrator.`,
    );
  }
  certificates.forEach((certificate, i) => {
    const issuer = certificates[i + 1] ?? certificate;
    if (!certificate.checkIssued(issuer) || !certificate.verify(issuer.publicKey)) {
      throw new OperationError(
        'CA_CHAIN_INVALID',
        `The CA chain from ${source} is not one chain up to the package's root CA (${certificate.subject.replace(/\n/g, ', ')} is not signed by the next certificate): it was not saved.`,
      );
    }
  });
}

export async function saveCaChain(paths: ClientPaths, pem: string): Promise<void> {
  await ensureDir(paths.home, PRIVATE_DIR);
  await writeFileAtomic(paths.caChainFile, splitPemCertificates(pem).join(''), PUBLIC_FILE);
}

export const loadCaChain = (paths: ClientPaths): Promise<string | undefined> => readTextIfExists(paths.caChainFile);

/**
 * The saved CA chain, fetched and saved first if `enroll init` could not (offline at the time).
 * Trust comes from this file only: the package's URL is the administrator's choice of anchor.
 */
export async function ensureCaChain(
  paths: ClientPaths,
  fetchChain: () => Promise<string>,
  rootFingerprint?: string,
  source = 'the service',
): Promise<string> {
  const saved = await loadCaChain(paths);
  if (saved !== undefined && splitPemCertificates(saved).length > 0) {
    return saved;
  }
  const fetched = await fetchChain();
  checkCaChain(fetched, 'The CA chain');
  checkChainAnchor(fetched, source, rootFingerprint);
  await saveCaChain(paths, fetched);
  return fetched;
}
