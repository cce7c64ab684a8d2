import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { certificatesToPem } from '@enroll/pki';
import type { ApiClient } from './api-client';
import type { RequestSummary } from './api-model';
import {
  browserNickname,
  heldInBrowsers,
  NSS_TOOLS_HINT,
  updateBrowserStore,
  usesNss,
  type BrowserStoreResult,
} from './browser-store';
import { installCertificate, installedFiles, type InstalledFiles } from './cert-store';
import type { KeyGroup } from './key-group';
import { splitPemCertificates } from './config-store';
import { currentFiles, currentRequestId, switchCurrent } from './current-link';
import { runHook, type HookResult } from './install-hook';
import { issuedByCaChain, readBundle } from './certificate-checks';
import type { ClientConfig } from './client-config';
import type { Context } from './context';
import { OperationError } from './errors';
import { ensureDir, exists, PRIVATE_DIR, PUBLIC_FILE, readTextIfExists, writeFileAtomic } from './fs-util';
import { keyMatches } from './own-csr';
import { externalFolder, safeFileName, storeFolder } from './paths';
import { readRecord, readRequestKey, saveRecord, saveRequestFile, type LocalRequest } from './request-records';

/** What one pickup needs besides the request itself. */
export interface Pickup {
  readonly ctx: Context;
  readonly config: ClientConfig;
  readonly api: ApiClient;
  readonly caChain: string;
  readonly requester: string;
  readonly pkcs12Password: string | undefined;
  /** The --exec hook (or the setting), run after each install. */
  readonly hook?: string | undefined;
  /** A `user` package's certificate also goes into the account's browser databases (NSS); default true. */
  readonly browserStore?: boolean;
  /** A machine package: the group whose services may read the keys (the `keyGroup` setting). */
  readonly keyGroup?: KeyGroup | undefined;
}

export type InstallResult =
  | {
      readonly action: 'installed';
      readonly folder: string;
      /** The stable entry when this certificate became the current one. */
      readonly current: string | undefined;
      readonly serialNumber: string;
      readonly notAfter: string;
      readonly confirmed: boolean;
      readonly hook: HookResult | undefined;
      /** The browsers' databases (a `user` package made current, on Linux), unless skipped. */
      readonly browserStore: BrowserStoreResult | undefined;
    }
  | { readonly action: 'key-elsewhere' };

const baseRecord = (pickup: Pickup, request: RequestSummary, record: LocalRequest | undefined): LocalRequest =>
  record ?? {
    id: request.id,
    packageId: pickup.config.packageId,
    kind: request.kind,
    commonName: request.commonName,
    submittedAt: request.submittedAt,
    requestedBy: request.requestedBy,
    ...(typeof request.renewalOf === 'number' ? { renewalOf: request.renewalOf } : {}),
  };

/**
 * Installs the certificate of a request made on this device: downloads it, checks that it belongs
 * to the key made here and that the CA chain in the client folder issued it, writes it into the
 * package's store, then confirms the install to the API (Approved → Installed). A request already
 * Installed is only re-written locally.
 */
export async function installOwn(
  pickup: Pickup,
  request: RequestSummary,
  record: LocalRequest | undefined,
  received?: string,
): Promise<InstallResult> {
  const { ctx, config, api } = pickup;
  const keyPem = await readRequestKey(ctx.paths, config.packageId, request.id);
  if (keyPem === undefined) {
    return { action: 'key-elsewhere' };
  }
  if (received === undefined) {
    ctx.out.progress(`Downloading the certificate of request Id ${request.id}`);
  }
  const pem = received ?? (await api.downloadCertificate(request.id, pickup.requester));
  const bundle = readBundle(pem, pickup.caChain, config.urls.request);
  if (!keyMatches(keyPem, bundle.leaf.spki)) {
    throw new OperationError(
      'KEY_MISMATCH',
      `The certificate of request Id ${request.id} does not belong to the key made on this device: it was not installed.`,
    );
  }
  if (!issuedByCaChain(bundle.leaf.x509, pickup.caChain)) {
    throw new OperationError(
      'UNKNOWN_ISSUER',
      `The certificate of request Id ${request.id} is not issued by the CA chain in ${ctx.paths.caChainFile}: it was not installed (if the CA was renewed, run \`enroll init\` again to fetch its new chain).`,
    );
  }
  const storeDir = storeFolder(ctx.paths, config.store);
  const files = await installCertificate({
    storeDir,
    store: config.store,
    requestId: request.id,
    keyPem,
    leaf: bundle.leaf.der,
    chain: bundle.chain,
    pkcs12Password: pickup.pkcs12Password,
    // The name browsers and key stores show: the browser databases' nickname (browser-store.ts).
    friendlyName: browserNickname(config.organization.code, request.commonName),
    keyGroup: pickup.keyGroup,
  });
  await saveRequestFile(
    ctx.paths,
    config.packageId,
    request.id,
    'certificate.pem',
    certificatesToPem([bundle.leaf.der, ...bundle.chain]),
  );
  const notAfter = new Date(bundle.leaf.x509.validTo).toISOString();
  // The new files are complete before `current` moves; an older request installed again never takes it back.
  const linked = await currentRequestId(storeDir);
  const makeCurrent =
    linked === undefined || linked <= request.id || !(await exists(currentFiles(storeDir).certificate));
  if (makeCurrent) {
    await switchCurrent(storeDir, files.folder, ctx.platform);
  }
  const base = baseRecord(pickup, request, record);
  await saveRecord(ctx.paths, {
    ...base,
    installed: {
      at: ctx.now().toISOString(),
      store: config.store,
      folder: files.folder,
      serialNumber: bundle.leaf.serialNumber,
      notAfter,
    },
  });
  const confirm = request.status === 'Approved';
  if (confirm) {
    await api.confirmInstalled(request.id);
  }
  await ctx.log(
    'installed',
    `Installed certificate ${bundle.leaf.serialNumber} (${request.commonName}) in ${files.folder}${makeCurrent ? ' (now current)' : ''}${confirm ? '; confirmed to the API' : ''}.`,
    request.id,
  );
  if (base.renewalOf !== undefined) {
    await markSuperseded(pickup, base.renewalOf, request.id);
  }
  const stable = makeCurrent ? currentFiles(storeDir) : files;
  const browserStore =
    makeCurrent && config.store === 'user' && pickup.browserStore !== false && usesNss(ctx.platform)
      ? await installInBrowsers(pickup, request.id, request.commonName, files, bundle.chain)
      : undefined;
  const hook = pickup.hook
    ? await runInstallHook(pickup, request.id, bundle.leaf.serialNumber, notAfter, stable)
    : undefined;
  return {
    action: 'installed',
    folder: files.folder,
    current: makeCurrent ? stable.folder : undefined,
    serialNumber: bundle.leaf.serialNumber,
    notAfter,
    confirmed: confirm,
    hook,
    browserStore,
  };
}

/** A failure here leaves the certificate installed in the store: it is said, with what to do. */
async function installInBrowsers(
  pickup: Pickup,
  requestId: number,
  commonName: string,
  files: InstalledFiles,
  chain: readonly Buffer[],
): Promise<BrowserStoreResult> {
  const { ctx, config } = pickup;
  const password = pickup.pkcs12Password ?? (await readFile(files.pkcs12Password, 'utf8')).trim();
  const nickname = browserNickname(config.organization.code, commonName);
  ctx.out.progress(`Adding the certificate to the browsers' certificate database ${ctx.paths.nssDatabase}`);
  const result = await updateBrowserStore(ctx, { nickname, pkcs12: files.pkcs12, pkcs12Password: password, chain });
  const manual = `pk12util -i ${files.pkcs12} -d sql:${ctx.paths.nssDatabase} -w ${pickup.pkcs12Password === undefined ? files.pkcs12Password : '<password file>'}`;
  if (result.toolsMissing) {
    const message = `the browsers' certificate database (${ctx.paths.nssDatabase}) was not updated: certutil and pk12util (libnss3-tools) are not installed, so Chromium and Firefox do not have this certificate. To add it, ${NSS_TOOLS_HINT}, then run \`enroll get\` (or by hand: \`${manual}\`), or skip this step with --no-browser-store.`;
    ctx.out.warn(message);
    await ctx.log('browser-store-skipped', message, requestId);
  } else if (!result.updated) {
    const message = `the browsers' certificate database was not fully updated (${result.problem ?? 'unknown problem'}): the certificate is installed in the store all the same. To add it by hand: \`${manual}\`.`;
    ctx.out.warn(message);
    await ctx.log('browser-store-failed', message, requestId);
  } else {
    await ctx.log(
      'browser-store',
      `Added "${nickname}" to ${result.databases.join(', ')}${result.replaced > 0 ? ` (replacing ${result.replaced} older)` : ''}.`,
      requestId,
    );
  }
  return result;
}

async function markSuperseded(pickup: Pickup, oldId: number, newId: number): Promise<void> {
  const { ctx, config } = pickup;
  const old = await readRecord(ctx.paths, config.packageId, oldId);
  if (old && old.superseded === undefined) {
    await saveRecord(ctx.paths, { ...old, superseded: { at: ctx.now().toISOString(), by: newId } });
  }
}

async function runInstallHook(
  pickup: Pickup,
  requestId: number,
  serialNumber: string,
  notAfter: string,
  files: InstalledFiles,
): Promise<HookResult> {
  const { ctx } = pickup;
  const command = pickup.hook ?? '';
  ctx.out.progress(`Running the hook \`${command}\``);
  const result = await runHook(ctx, { command, requestId, serialNumber, notAfter, files });
  await ctx.log(result.ok ? 'hook-ran' : 'hook-failed', result.message, requestId);
  if (!result.ok) {
    ctx.out.warn(result.message);
  }
  return result;
}

/**
 * `enroll get` with nothing new to install: a `user` package's current certificate that the
 * browsers' database lacks (the NSS tools were missing at install, the database was removed) is
 * added now. Silent when the tools are still missing (the install said so) or it is there.
 */
export async function addCurrentToBrowsers(
  pickup: Pickup,
): Promise<{ readonly id: number; readonly result: BrowserStoreResult } | undefined> {
  const { ctx, config } = pickup;
  if (config.store !== 'user' || pickup.browserStore === false || !usesNss(ctx.platform)) {
    return undefined;
  }
  const storeDir = storeFolder(ctx.paths, config.store);
  const id = await currentRequestId(storeDir);
  const record = id === undefined ? undefined : await readRecord(ctx.paths, config.packageId, id);
  if (id === undefined || record?.installed === undefined || record.revoked !== undefined) {
    return undefined;
  }
  const files = installedFiles(storeDir, id);
  const certificatePem = await readTextIfExists(files.certificate);
  const chainPem = await readTextIfExists(files.chain);
  const canOpen = pickup.pkcs12Password !== undefined || (await exists(files.pkcs12Password));
  if (certificatePem === undefined || chainPem === undefined || !canOpen || !(await exists(files.pkcs12))) {
    return undefined;
  }
  const nickname = browserNickname(config.organization.code, record.commonName);
  const held = await heldInBrowsers(ctx, nickname, new X509Certificate(certificatePem).serialNumber);
  if (held !== false) {
    return undefined;
  }
  const chain = splitPemCertificates(chainPem).map((pem) => new X509Certificate(pem).raw);
  return { id, result: await installInBrowsers(pickup, id, record.commonName, files, chain) };
}

/**
 * Saves an external request's certificate (leaf then chain) under `config/<environment>/`. The
 * first download with `downloadedBy` is what marks the request Downloaded on the server.
 */
export async function saveExternal(
  pickup: Pickup,
  request: RequestSummary,
  record: LocalRequest | undefined,
): Promise<string> {
  const { ctx, config, api } = pickup;
  ctx.out.progress(`Downloading the external certificate of request Id ${request.id}`);
  const pem = await api.downloadCertificate(request.id, pickup.requester);
  const bundle = readBundle(pem, pickup.caChain, config.urls.request);
  if (!issuedByCaChain(bundle.leaf.x509, pickup.caChain)) {
    ctx.out.warn(
      `the certificate of request Id ${request.id} is not issued by the CA chain in ${ctx.paths.caChainFile}.`,
    );
  }
  const folder = externalFolder(ctx.paths, config.environment);
  await ensureDir(folder, PRIVATE_DIR);
  const file = join(folder, `${safeFileName(request.commonName || 'external')}-request-${request.id}.pem`);
  await writeFileAtomic(file, certificatesToPem([bundle.leaf.der, ...bundle.chain]), PUBLIC_FILE);
  await saveRecord(ctx.paths, { ...baseRecord(pickup, request, record), saved: { at: ctx.now().toISOString(), file } });
  await ctx.log(
    'saved-external',
    `Saved external certificate ${bundle.leaf.serialNumber} (${request.commonName}) to ${file}.`,
    request.id,
  );
  return file;
}
