import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateStore, RequestKind } from '@enroll/domain';
import type { KeyAlgorithm } from '@enroll/pki';
import {
  ensureDir,
  exists,
  PRIVATE_DIR,
  PRIVATE_FILE,
  PUBLIC_FILE,
  readTextIfExists,
  writeFileAtomic,
} from './fs-util';
import { requestFolder, requestsFolder, type ClientPaths } from './paths';

/** What the client remembers about a request it submitted (request.json in the request's folder). */
export interface LocalRequest {
  readonly id: number;
  readonly packageId: string;
  readonly kind: RequestKind;
  readonly commonName: string;
  /** Absent for external requests: their key is on the other server. */
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly submittedAt: string;
  readonly requestedBy: string;
  readonly installed?: InstallRecord;
  readonly saved?: { readonly at: string; readonly file: string };
  readonly revoked?: { readonly at: string; readonly reason: string };
  /** The request whose certificate this one renews (made by `enroll renew`). */
  readonly renewalOf?: number;
  /** Set when the renewal that replaces this certificate is installed. */
  readonly superseded?: { readonly at: string; readonly by: number };
  /** When the client first saw it Cancelled or Rejected: its key is removed after the grace period. */
  readonly retired?: { readonly at: string; readonly status: string };
  /** When its private key was removed from this device (grace period over). */
  readonly keyRemovedAt?: string;
}

export interface InstallRecord {
  readonly at: string;
  readonly store: CertificateStore;
  readonly folder: string;
  readonly serialNumber: string;
  readonly notAfter: string;
}

export const KEY_FILE = 'key.pem';
const RECORD_FILE = 'request.json';

/**
 * Writes a new private key into a fresh pending folder before anything is sent: if the process
 * dies after the service accepted the request, the key is still on disk. Mode 0600 from the start.
 */
export async function writePendingKey(paths: ClientPaths, packageId: string, keyPem: string): Promise<string> {
  const folder = join(requestsFolder(paths, packageId), `.pending-${randomBytes(6).toString('hex')}`);
  await ensureDir(requestsFolder(paths, packageId), PRIVATE_DIR);
  await ensureDir(folder, PRIVATE_DIR);
  await writeFileAtomic(join(folder, KEY_FILE), keyPem, PRIVATE_FILE);
  return folder;
}

/** Gives a pending folder its request id. A leftover folder with that id is set aside, never deleted. */
export async function commitPending(
  paths: ClientPaths,
  packageId: string,
  pendingFolder: string,
  requestId: number,
): Promise<string> {
  const target = requestFolder(paths, packageId, requestId);
  if (await exists(target)) {
    await rename(target, `${target}.replaced-${randomBytes(4).toString('hex')}`);
  }
  await rename(pendingFolder, target);
  return target;
}

/** Removes a pending folder whose request was never accepted (its key certifies nothing). */
export const discardPending = (pendingFolder: string): Promise<void> =>
  rm(pendingFolder, { recursive: true, force: true });

/**
 * A request's folder: under this package, else under another package this client folder loaded
 * (a replaced one: the API lists its requests to the replacement, so that a certificate approved
 * after the old package was disabled is still picked up). Ids are only unique within one API, so
 * whatever is found there is checked like anything else: a key that does not match the
 * certificate is refused at install (KEY_MISMATCH).
 */
async function folderOf(paths: ClientPaths, packageId: string, requestId: number): Promise<string> {
  const own = requestFolder(paths, packageId, requestId);
  if (await exists(own)) {
    return own;
  }
  const packages = await readdir(join(paths.home, 'requests')).catch(() => [] as string[]);
  for (const other of packages.filter((p) => p !== packageId && !p.startsWith('.'))) {
    const folder = requestFolder(paths, other, requestId);
    if (await exists(join(folder, KEY_FILE))) {
      return folder;
    }
  }
  return own;
}

/** Saves a request's record, creating its folder when needed. */
export async function saveRecord(paths: ClientPaths, record: LocalRequest): Promise<void> {
  const folder = requestFolder(paths, record.packageId, record.id);
  await ensureDir(folder, PRIVATE_DIR);
  await writeFileAtomic(join(folder, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`, PUBLIC_FILE);
}

/** Writes a public file (CSR, certificate) into a request's folder. */
export async function saveRequestFile(
  paths: ClientPaths,
  packageId: string,
  requestId: number,
  name: string,
  content: string,
): Promise<void> {
  const folder = await folderOf(paths, packageId, requestId);
  await ensureDir(folder, PRIVATE_DIR);
  await writeFileAtomic(join(folder, name), content, PUBLIC_FILE);
}

const isLocalRequest = (value: unknown): value is LocalRequest =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<LocalRequest>).id === 'number' &&
  typeof (value as Partial<LocalRequest>).kind === 'string';

export async function readRecord(
  paths: ClientPaths,
  packageId: string,
  requestId: number,
): Promise<LocalRequest | undefined> {
  const text = await readTextIfExists(join(await folderOf(paths, packageId, requestId), RECORD_FILE));
  if (text === undefined) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isLocalRequest(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Every request this client submitted through a package, by id. */
export async function readRecords(paths: ClientPaths, packageId: string): Promise<Map<number, LocalRequest>> {
  const names = await readdir(requestsFolder(paths, packageId)).catch(() => [] as string[]);
  const records = new Map<number, LocalRequest>();
  for (const name of names.filter((n) => /^\d+$/.test(n))) {
    const record = await readRecord(paths, packageId, Number(name));
    if (record) {
      records.set(record.id, record);
    }
  }
  return records;
}

/** The records of every package this client folder has known (a replaced package's included). */
export async function recordsOfEveryPackage(paths: ClientPaths): Promise<LocalRequest[]> {
  const packages = await readdir(join(paths.home, 'requests')).catch(() => [] as string[]);
  const all: LocalRequest[] = [];
  for (const packageId of packages) {
    all.push(...(await readRecords(paths, packageId)).values());
  }
  return all;
}

/** The private key of a request made on this device, if it is here. */
export const readRequestKey = async (
  paths: ClientPaths,
  packageId: string,
  requestId: number,
): Promise<string | undefined> => readTextIfExists(join(await folderOf(paths, packageId, requestId), KEY_FILE));

/**
 * The certificate in use: the one chosen by id, else the most recently installed one that has not
 * been revoked from this device nor replaced by its installed renewal.
 */
export function currentInstalled(
  records: ReadonlyMap<number, LocalRequest>,
  requestId?: number,
): LocalRequest | undefined {
  if (requestId !== undefined) {
    const chosen = records.get(requestId);
    return chosen?.installed ? chosen : undefined;
  }
  return [...records.values()]
    .filter((r) => r.installed !== undefined && r.revoked === undefined && r.superseded === undefined)
    .sort((a, b) => (b.installed?.at ?? '').localeCompare(a.installed?.at ?? '') || b.id - a.id)[0];
}
