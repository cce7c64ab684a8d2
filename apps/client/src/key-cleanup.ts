import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { installedFiles } from './cert-store';
import type { ClientConfig } from './client-config';
import type { Context } from './context';
import { currentRequestId } from './current-link';
import { requestFolder, storeFolder } from './paths';
import { KEY_FILE, readRecords, saveRecord, type LocalRequest } from './request-records';
import { DEFAULT_KEY_GRACE_DAYS } from './settings';

const DAY_MS = 86_400_000;

/** Since when a request's key is no longer needed: cancelled or rejected, or replaced by its renewal. */
const retiredSince = (record: LocalRequest): string | undefined => record.superseded?.at ?? record.retired?.at;

/**
 * Removes the private keys (key.pem, and the PKCS #12 that holds a copy) of cancelled, rejected
 * and superseded requests once the grace period is over (issue 11): a superseded certificate stays
 * valid until it expires and a service may still use it during the rollover, so not at once. The
 * certificate files stay; the key behind `current` is never removed.
 */
export async function removeRetiredKeys(
  ctx: Context,
  config: ClientConfig,
  graceDays = DEFAULT_KEY_GRACE_DAYS,
): Promise<number[]> {
  const storeDir = storeFolder(ctx.paths, config.store);
  const current = await currentRequestId(storeDir);
  const removed: number[] = [];
  for (const record of (await readRecords(ctx.paths, config.packageId)).values()) {
    const since = retiredSince(record);
    if (since === undefined || record.keyRemovedAt !== undefined || record.id === current) {
      continue;
    }
    if (ctx.now().getTime() - Date.parse(since) < graceDays * DAY_MS) {
      continue;
    }
    const files = installedFiles(storeDir, record.id);
    for (const file of [
      join(requestFolder(ctx.paths, config.packageId, record.id), KEY_FILE),
      files.key,
      files.pkcs12,
      files.pkcs12Password,
    ]) {
      await rm(file, { force: true });
    }
    await saveRecord(ctx.paths, { ...record, keyRemovedAt: ctx.now().toISOString() });
    await ctx.log(
      'key-removed',
      `Removed the private key of request Id ${record.id} (${record.superseded ? `superseded by request Id ${record.superseded.by}` : (record.retired?.status ?? 'retired')} since ${since}).`,
      record.id,
    );
    removed.push(record.id);
  }
  return removed;
}

/** Notes that a request of this device was cancelled or rejected (the start of its key's grace period). */
export async function markRetired(ctx: Context, record: LocalRequest | undefined, status: string): Promise<void> {
  if (record && record.retired === undefined && record.keyAlgorithm !== undefined) {
    await saveRecord(ctx.paths, { ...record, retired: { at: ctx.now().toISOString(), status } });
  }
}
