import { filesIn, type InstalledFiles } from './cert-store';
import type { ClientConfig } from './client-config';
import type { Context } from './context';
import { readTextIfExists } from './fs-util';
import { currentRequestId } from './current-link';
import { storeFolder } from './paths';
import {
  currentInstalled,
  readRecords,
  readRequestKey,
  recordsOfEveryPackage,
  type LocalRequest,
} from './request-records';

/** The certificate this device uses, with its key, read from the store it was installed into. */
export interface InstalledCertificate {
  readonly record: LocalRequest;
  readonly files: InstalledFiles;
  /** Leaf then chain, as presented to the mTLS port. */
  readonly fullchainPem: string;
  readonly certificatePem: string;
  readonly keyPem: string;
}

/** Why there is no installed certificate to use. */
export interface NotInstalled {
  readonly missing: true;
  readonly reason: string;
}

async function currentOfStore(ctx: Context, config: ClientConfig): Promise<LocalRequest | undefined> {
  const id = await currentRequestId(storeFolder(ctx.paths, config.store));
  if (id === undefined) {
    return undefined;
  }
  const found = (await recordsOfEveryPackage(ctx.paths)).find(
    (r) => r.id === id && r.installed?.store === config.store,
  );
  return found?.revoked === undefined ? found : undefined;
}

/** The most recent certificate installed here and then revoked from here (and not renewed since). */
const lastRevoked = (records: ReadonlyMap<number, LocalRequest>): LocalRequest | undefined =>
  [...records.values()]
    .filter((r) => r.installed !== undefined && r.revoked !== undefined && r.superseded === undefined)
    .sort((a, b) => (b.revoked?.at ?? '').localeCompare(a.revoked?.at ?? '') || b.id - a.id)[0];

/**
 * Finds the installed certificate: the one of `requestId`, else the most recent one installed and
 * not revoked from here. Files removed from the store by hand count as not installed.
 * `revokedToo` (for `enroll test`): when no certificate is in use, the one revoked last, so that the
 * test shows the service refusing it instead of saying nothing is installed.
 */
export async function findInstalled(
  ctx: Context,
  config: ClientConfig,
  requestId?: number,
  options: { readonly revokedToo?: boolean } = {},
): Promise<InstalledCertificate | NotInstalled> {
  const records = await readRecords(ctx.paths, config.packageId);
  // After `init --force` with a replacement package, the certificate in use is still the store's
  // `current` one, installed through the package it replaced: it is found there (issue 13).
  const record =
    currentInstalled(records, requestId) ??
    (requestId === undefined ? await currentOfStore(ctx, config) : undefined) ??
    (requestId === undefined && options.revokedToo === true ? lastRevoked(records) : undefined);
  if (!record?.installed) {
    return {
      missing: true,
      reason:
        requestId === undefined
          ? 'No certificate is installed on this device: submit a request with `enroll submit`, then install it with `enroll get` once it is approved.'
          : `No certificate of request Id ${requestId} is installed on this device (run \`enroll get\` once it is approved).`,
    };
  }
  const files = filesIn(record.installed.folder);
  const [certificatePem, fullchainPem, keyPem] = await Promise.all([
    readTextIfExists(files.certificate),
    readTextIfExists(files.fullchain),
    readTextIfExists(files.key),
  ]);
  if (certificatePem === undefined || keyPem === undefined) {
    // `enroll get` repairs the install only while the request's own copy of the key is there.
    const keyKept = (await readRequestKey(ctx.paths, record.packageId, record.id)) !== undefined;
    const missingFile = certificatePem === undefined ? 'cert.pem' : 'key.pem';
    return {
      missing: true,
      reason: keyKept
        ? `The certificate of request Id ${record.id} is no longer complete in ${files.folder} (${missingFile} is missing): run \`enroll get\` to install it again.`
        : `The private key of request Id ${record.id} is gone from this device (${missingFile} is missing in ${files.folder}, and no copy is kept): the certificate cannot be used again. Submit a new request with \`enroll submit\`.`,
    };
  }
  return { record, files, certificatePem, fullchainPem: fullchainPem ?? certificatePem, keyPem };
}
