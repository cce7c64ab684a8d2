import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestKind } from '@enroll/domain';
import type { KeyAlgorithm } from '@enroll/pki';
import type { RequestSummary } from './api-model';
import { installOwn, type InstallResult, type Pickup } from './certificate-pickup';
import { PUBLIC_FILE, readTextIfExists, writeFileAtomic } from './fs-util';
import { requestsFolder } from './paths';
import { commitPending, discardPending, readRecords, saveRecord, type LocalRequest } from './request-records';

/** Written beside the new key before a renewal is sent: what to look for if the answer is lost. */
export interface RenewalMarker {
  readonly renewalOf: number;
  readonly kind: RequestKind;
  readonly commonName: string;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly requestedBy: string;
  readonly at: string;
}

const MARKER_FILE = 'renewal.json';
/** A pending renewal the service never received is dropped after this (a running `renew` may still be sending it). */
const ABANDONED_AFTER_MS = 10 * 60_000;
const CLOSED = new Set(['Rejected', 'Cancelled']);

export const writeRenewalMarker = (pendingFolder: string, marker: RenewalMarker): Promise<void> =>
  writeFileAtomic(join(pendingFolder, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`, PUBLIC_FILE);

async function readMarker(folder: string): Promise<RenewalMarker | undefined> {
  const text = await readTextIfExists(join(folder, MARKER_FILE)).catch(() => undefined);
  if (text === undefined) {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<RenewalMarker>;
    return typeof value.renewalOf === 'number' && typeof value.requestedBy === 'string'
      ? (value as RenewalMarker)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The record of a renewal request, from what was sent and what the service answered. */
export const renewalRecord = (packageId: string, id: number, marker: RenewalMarker): LocalRequest => ({
  id,
  packageId,
  kind: marker.kind,
  commonName: marker.commonName,
  keyAlgorithm: marker.keyAlgorithm,
  submittedAt: marker.at,
  requestedBy: marker.requestedBy,
  renewalOf: marker.renewalOf,
});

/**
 * Finishes what an interrupted `enroll renew` left (issue 11: Ctrl-C or power loss between the
 * answer and the install):
 * 1. a new key whose renewal the service received but whose answer was lost gets its request id,
 *    found by `renewalOf` in the request list (a renewal never sent is dropped after a while);
 * 2. a renewal that is approved but not installed here is installed, made current and confirmed
 *    (unless `install` is false: `enroll get` installs every approved request itself).
 * Returns what was installed.
 */
export async function finishInterruptedRenewals(
  pickup: Pickup,
  options: { readonly install: boolean } = { install: true },
): Promise<{ readonly id: number; readonly result: InstallResult }[]> {
  const { ctx, config, api } = pickup;
  const folder = requestsFolder(ctx.paths, config.packageId);
  const names = await readdir(folder).catch(() => [] as string[]);
  const lists = new Map<string, Promise<RequestSummary[]>>();
  for (const name of names.filter((n) => n.startsWith('.pending-'))) {
    const pending = join(folder, name);
    const marker = await readMarker(pending);
    if (marker === undefined) {
      continue;
    }
    let list = lists.get(marker.requestedBy);
    if (list === undefined) {
      list = api.listRequests(marker.requestedBy);
      lists.set(marker.requestedBy, list);
    }
    const found = (await list).find((r) => r.renewalOf === marker.renewalOf && !CLOSED.has(r.status));
    if (found && !(await readRecords(ctx.paths, config.packageId)).has(found.id)) {
      await commitPending(ctx.paths, config.packageId, pending, found.id);
      await saveRecord(ctx.paths, renewalRecord(config.packageId, found.id, marker));
      await ctx.log(
        'renewal-recovered',
        `Found renewal request Id ${found.id} of request Id ${marker.renewalOf}, sent before an interruption.`,
        found.id,
      );
    } else if (!found && Date.now() - (await stat(pending)).mtimeMs > ABANDONED_AFTER_MS) {
      await discardPending(pending);
    }
  }
  const installed: { id: number; result: InstallResult }[] = [];
  if (!options.install) {
    return installed;
  }
  const records = await readRecords(ctx.paths, config.packageId);
  for (const record of [...records.values()].filter(
    (r) => r.renewalOf !== undefined && r.installed === undefined && r.retired === undefined,
  )) {
    const request = await api.getRequest(record.id);
    if (request.status === 'Approved' || request.status === 'Installed') {
      ctx.out.progress(`Finishing the interrupted renewal: request Id ${record.id}`);
      installed.push({ id: record.id, result: await installOwn(pickup, request, record) });
    }
  }
  return installed;
}
