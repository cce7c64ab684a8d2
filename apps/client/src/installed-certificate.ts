import { filesIn, type InstalledFiles } from './cert-store';
import type { ClientConfig } from './client-config';
import type { Context } from './context';
import { readTextIfExists } from './fs-util';
import { currentInstalled, readRecords, type LocalRequest } from './request-records';

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

/**
 * Finds the installed certificate: the one of `requestId`, else the most recent one installed and
 * not revoked from here. Files removed from the store by hand count as not installed.
 */
export async function findInstalled(
  ctx: Context,
  config: ClientConfig,
  requestId?: number,
): Promise<InstalledCertificate | NotInstalled> {
  const records = await readRecords(ctx.paths, config.packageId);
  const record = currentInstalled(records, requestId);
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
    return {
      missing: true,
      reason: `The certificate of request Id ${record.id} is no longer in ${files.folder} (cert.pem or key.pem is missing): run \`enroll get\` to install it again.`,
    };
  }
  return { record, files, certificatePem, fullchainPem: fullchainPem ?? certificatePem, keyPem };
}
