import { resolveKeyGroup } from '../key-group';
import { isExternal, type RequestSummary } from '../api-model';
import { installedFiles } from '../cert-store';
import { addCurrentToBrowsers, installOwn, saveExternal, type Pickup } from '../certificate-pickup';
import { ensureCaChain } from '../config-store';
import type { Context } from '../context';
import { ApiError, CliError, EXIT, type ExitCode } from '../errors';
import { exists } from '../fs-util';
import { storeFolder } from '../paths';
import { requireAdministrator } from '../administrator';
import { markRetired, removeRetiredKeys } from '../key-cleanup';
import { finishInterruptedRenewals } from '../renewal-recovery';
import { readRecords, type LocalRequest } from '../request-records';
import { readReported, saveReported } from '../reported-states';
import { loadSettings } from '../settings';
import { addToSystemTrust, checkTrustSystem } from '../system-trust';
import type { BrowserStoreResult } from '../browser-store';

type BrowserStoreOutcome = Omit<BrowserStoreResult, 'problem'> & { readonly problem: string | null };

export const browserStoreOutcome = (result: BrowserStoreResult | undefined): BrowserStoreOutcome | null =>
  result === undefined ? null : { ...result, problem: result.problem ?? null };

/** What the browsers got, said under the install's lines (a warning already said what went wrong). */
export const browserStoreLine = (result: BrowserStoreOutcome | null | undefined): string =>
  result && result.databases.length > 0
    ? `\n  for Chromium and Firefox: "${result.nickname}" in ${result.databases.join(', ')}${result.replaced > 0 ? ` (replaces the previous one)` : ''}`
    : '';

/** A browser database that the NSS tools failed to update (missing tools are only a warning). */
export const browserStoreFailed = (result: BrowserStoreOutcome | BrowserStoreResult | null | undefined): boolean =>
  result !== null && result !== undefined && !result.updated && !result.toolsMissing;

export interface GetOptions {
  readonly requestedBy?: string;
  readonly p12Password?: string;
  readonly exec?: string;
  /** false with --no-browser-store. */
  readonly browserStore?: boolean;
  readonly trustSystem?: boolean;
}

/** What `enroll get` did with one request (the --json output lists them all). */
export type Outcome =
  | {
      readonly id: number;
      readonly action: 'installed';
      readonly folder: string;
      readonly current: string | null;
      readonly serialNumber: string;
      readonly notAfter: string;
      readonly hook: { readonly ok: boolean; readonly message: string } | null;
      /** A `user` package's browser databases; null when not applicable or skipped. */
      readonly browserStore: BrowserStoreOutcome | null;
    }
  | { readonly id: number; readonly action: 'saved'; readonly file: string }
  | {
      readonly id: number;
      readonly action: 'pending' | 'up-to-date' | 'key-elsewhere' | 'other';
      readonly status: string;
    }
  | {
      readonly id: number;
      readonly action: 'rejected' | 'cancelled';
      readonly reason: string;
      /** Already reported by an earlier run: not said again, and no longer a reason to exit 4. */
      readonly known: boolean;
    }
  | {
      readonly id: number;
      readonly action: 'revoked';
      readonly status: string;
      /** Whether its certificate was installed on this device (only then is it this device's news). */
      readonly installedHere: boolean;
      /** Revoked from this device (`enroll revoke`), or already reported by an earlier run. */
      readonly known: boolean;
    }
  | { readonly id: number; readonly action: 'failed'; readonly code: string; readonly error: string };

async function localInstallPresent(record: LocalRequest | undefined, store: string): Promise<boolean> {
  const files = installedFiles(store, record?.id ?? 0);
  return record?.installed !== undefined && (await exists(files.certificate)) && (await exists(files.key));
}

async function pickUp(
  pickup: Pickup,
  request: RequestSummary,
  record: LocalRequest | undefined,
  reported: ReadonlyMap<number, string>,
): Promise<Outcome> {
  const { ctx, config } = pickup;
  const id = request.id;
  const status = request.status;
  const external = isExternal(request);
  if (
    external &&
    (status === 'Approved' || (status === 'Downloaded' && !(record?.saved && (await exists(record.saved.file)))))
  ) {
    return { id, action: 'saved', file: await saveExternal(pickup, request, record) };
  }
  if (
    !external &&
    (status === 'Approved' ||
      (status === 'Installed' && !(await localInstallPresent(record, storeFolder(ctx.paths, config.store)))))
  ) {
    const result = await installOwn(pickup, request, record);
    if (result.action === 'installed') {
      return {
        id,
        action: 'installed',
        folder: result.folder,
        current: result.current ?? null,
        serialNumber: result.serialNumber,
        notAfter: result.notAfter,
        hook: result.hook ? { ok: result.hook.ok, message: result.hook.message } : null,
        browserStore: browserStoreOutcome(result.browserStore),
      };
    }
    // An Installed request whose key is elsewhere was installed on its own device: nothing to say.
    return { id, action: status === 'Installed' ? 'up-to-date' : 'key-elsewhere', status };
  }
  if (status === 'Rejected' || status === 'Cancelled') {
    // record.retired: reported by a client that kept no reported.json yet.
    const known = reported.get(id) === status || record?.retired !== undefined;
    await markRetired(ctx, record, status);
    // The API keeps a cancellation's reason (the newer request's id) where it keeps a rejection's.
    return {
      id,
      action: status === 'Rejected' ? 'rejected' : 'cancelled',
      reason: request.rejectionReason ?? 'no reason given',
      known,
    };
  }
  if (status === 'Requested' || status === 'Pending') {
    return { id, action: 'pending', status };
  }
  if (status === 'Installed' || status === 'Downloaded') {
    return { id, action: 'up-to-date', status };
  }
  if (status === 'Revoked') {
    return {
      id,
      action: 'revoked',
      status,
      installedHere: record?.installed !== undefined,
      known: reported.get(id) === status || record?.revoked !== undefined,
    };
  }
  return { id, action: 'other', status };
}

/** News said for the first time (and kept, so that it is said once): refusals, cancellations, revocations here. */
const isNews = (outcome: Outcome): boolean =>
  ((outcome.action === 'rejected' || outcome.action === 'cancelled') && !outcome.known) ||
  (outcome.action === 'revoked' && outcome.installedHere && !outcome.known);

/**
 * News that a person must act on: `get` then exits 4. Not a cancellation: the only way a request
 * is cancelled is its requester's next submission, which said so at the time.
 */
export const needsAttention = (outcome: Outcome): boolean => isNews(outcome) && outcome.action !== 'cancelled';

function describe(outcome: Outcome): string | undefined {
  switch (outcome.action) {
    case 'installed':
      return (
        `Certificate installed successfully for request Id ${outcome.id}.\n  ${outcome.current ?? outcome.folder} (cert.pem, key.pem, chain.pem, fullchain.pem, bundle.p12), valid until ${outcome.notAfter}` +
        (outcome.current ? `\n  the files of request Id ${outcome.id} are in ${outcome.folder}` : '') +
        browserStoreLine(outcome.browserStore)
      );
    case 'saved':
      return `Certificate saved for request Id ${outcome.id}: ${outcome.file}`;
    case 'pending':
      return `Request Id ${outcome.id} is waiting for approval (${outcome.status}).`;
    case 'rejected':
      return outcome.known ? undefined : `Request Id ${outcome.id} was rejected: ${outcome.reason}`;
    case 'cancelled':
      return outcome.known ? undefined : `Request Id ${outcome.id} was cancelled: ${outcome.reason}`;
    case 'key-elsewhere':
      return `Request Id ${outcome.id} is approved, but its key was made on another device: run \`enroll get\` there.`;
    case 'revoked':
      return outcome.installedHere && !outcome.known
        ? `The certificate of request Id ${outcome.id}, installed on this device, is revoked: it no longer authenticates this device; submit a new request (\`enroll submit\`).`
        : undefined;
    case 'failed':
      return `Request Id ${outcome.id} failed: ${outcome.error}`;
    case 'up-to-date':
    case 'other':
      return undefined;
  }
}

/**
 * `enroll get`: refreshes every request of this requester (and every one this device submitted),
 * installs approved certificates of its own, saves approved external ones, and reports the rest.
 */
export async function getCommand(ctx: Context, options: GetOptions): Promise<ExitCode> {
  const config = await ctx.config();
  requireAdministrator(ctx, config);
  if (options.trustSystem) {
    checkTrustSystem(ctx, config);
  }
  const api = ctx.api(config);
  const requester = ctx.requester(options.requestedBy);
  ctx.out.progress(`Refreshing the requests of ${requester} from ${config.urls.request}`);
  const listed = await api.listRequests(requester);
  const caChain = await ensureCaChain(ctx.paths, () => api.fetchCaChain(), config.caFingerprint, config.urls.caChain);
  const settings = await loadSettings(ctx.paths, ctx.env);
  const pickup: Pickup = {
    ctx,
    config,
    api,
    caChain,
    requester,
    pkcs12Password: options.p12Password ?? ctx.env.ENROLL_P12_PASSWORD,
    hook: options.exec ?? settings.exec,
    browserStore: options.browserStore !== false && settings.browserStore !== false,
    // Resolved before anything is fetched: a group that does not exist stops the run (exit 2).
    keyGroup: config.store === 'machine' && settings.keyGroup ? resolveKeyGroup(settings.keyGroup) : undefined,
  };
  const systemTrust = options.trustSystem ? await trustSystem(ctx, config, caChain) : undefined;
  // A renewal whose answer an interruption lost gets its request id back (renewal-recovery.ts).
  await finishInterruptedRenewals(pickup, { install: false });
  const records = await readRecords(ctx.paths, config.packageId);
  const reported = await readReported(ctx.paths, config.packageId);
  const missing = [...records.keys()].filter((id) => !listed.some((r) => r.id === id));
  const extra: RequestSummary[] = [];
  for (const id of missing) {
    // Submitted from here under another requester name; a 404 means the service forgot it.
    const found = await api.getRequest(id).catch((error: unknown) => {
      if (error instanceof ApiError && error.problem.status === 404) {
        return undefined;
      }
      throw error;
    });
    if (found) {
      extra.push(found);
    }
  }
  const outcomes: Outcome[] = [];
  for (const request of [...listed, ...extra].sort((a, b) => a.id - b.id)) {
    let outcome: Outcome;
    try {
      outcome = await pickUp(pickup, request, records.get(request.id), reported);
    } catch (error) {
      // A network failure stops everything (exit 3); a refusal or a bad certificate spoils one request only.
      if (!(error instanceof CliError) || error.exitCode === EXIT.network) {
        throw error;
      }
      outcome = { id: request.id, action: 'failed', code: error.code, error: error.message };
      await ctx.log('failed', error.message, request.id);
    }
    outcomes.push(outcome);
    const line = describe(outcome);
    if (line !== undefined) {
      if (outcome.action === 'failed') {
        ctx.out.error(line);
      } else {
        ctx.out.text(line);
      }
    }
  }
  // Nothing made current this run: the browsers may still lack the current certificate.
  const browsers = outcomes.some((o) => o.action === 'installed' && o.current !== null)
    ? undefined
    : await addCurrentToBrowsers(pickup);
  if (browsers?.result.updated) {
    ctx.out.text(
      `The certificate of request Id ${browsers.id} was added to the browsers' certificate database.${browserStoreLine(browserStoreOutcome(browsers.result))}`,
    );
  }
  const acted = outcomes.filter((o) => describe(o) !== undefined).length + (browsers ? 1 : 0);
  if (acted === 0) {
    ctx.out.text(
      outcomes.length === 0
        ? 'No certificate request has been submitted through this package yet.'
        : 'Nothing new: every certificate is up to date.',
    );
  }
  const news = outcomes.filter(isNews);
  if (news.length > 0) {
    await saveReported(
      ctx.paths,
      config.packageId,
      new Map([...reported, ...news.map((o) => [o.id, statusOf(o)] as const)]),
    );
  }
  const attention = news.filter(needsAttention);
  await removeRetiredKeys(ctx, config, settings.keyGraceDays);
  ctx.out.result({
    requestedBy: requester,
    outcomes,
    needsAttention: attention.map((o) => o.id),
    ...(systemTrust ? { systemTrust } : {}),
    ...(browsers ? { browserStore: { id: browsers.id, ...browserStoreOutcome(browsers.result) } } : {}),
  });
  const hookFailed = outcomes.some(
    (o) => o.action === 'installed' && ((o.hook !== null && !o.hook.ok) || browserStoreFailed(o.browserStore)),
  );
  if (
    outcomes.some((o) => o.action === 'failed') ||
    hookFailed ||
    systemTrust?.ok === false ||
    browserStoreFailed(browsers?.result)
  ) {
    return EXIT.failed;
  }
  return attention.length > 0 ? EXIT.attention : EXIT.ok;
}

/** --trust-system: said at once; a failure makes the command exit 1 once its other work is done. */
export async function trustSystem(
  ctx: Context,
  config: Awaited<ReturnType<Context['config']>>,
  caChain: string,
): ReturnType<typeof addToSystemTrust> {
  ctx.out.progress('Adding the root CA to the system trust store');
  const result = await addToSystemTrust(ctx, config, caChain);
  await ctx.log(result.ok ? 'system-trust' : 'system-trust-failed', result.message);
  if (result.ok) {
    ctx.out.text(result.message);
  } else {
    ctx.out.warn(result.message);
  }
  return result;
}

const statusOf = (outcome: Outcome): string =>
  outcome.action === 'rejected' ? 'Rejected' : outcome.action === 'cancelled' ? 'Cancelled' : 'Revoked';
