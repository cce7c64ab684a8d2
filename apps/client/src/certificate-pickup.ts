import { join } from 'node:path';
import { certificatesToPem } from '@enroll/pki';
import type { ApiClient } from './api-client';
import type { RequestSummary } from './api-model';
import { installCertificate } from './cert-store';
import { issuedByCaChain, readBundle } from './certificate-checks';
import type { ClientConfig } from './client-config';
import type { Context } from './context';
import { OperationError } from './errors';
import { ensureDir, PRIVATE_DIR, PUBLIC_FILE, writeFileAtomic } from './fs-util';
import { keyMatches } from './own-csr';
import { externalFolder, safeFileName, storeFolder } from './paths';
import { readRequestKey, saveRecord, saveRequestFile, type LocalRequest } from './request-records';

/** What one pickup needs besides the request itself. */
export interface Pickup {
  readonly ctx: Context;
  readonly config: ClientConfig;
  readonly api: ApiClient;
  readonly caChain: string;
  readonly requester: string;
  readonly pkcs12Password: string | undefined;
}

export type InstallResult =
  | { readonly action: 'installed'; readonly folder: string; readonly serialNumber: string; readonly notAfter: string; readonly confirmed: boolean }
  | { readonly action: 'key-elsewhere' };

const baseRecord = (pickup: Pickup, request: RequestSummary, record: LocalRequest | undefined): LocalRequest =>
  record ?? {
    id: request.id,
    packageId: pickup.config.packageId,
    kind: request.kind,
    commonName: request.commonName,
    submittedAt: request.submittedAt,
    requestedBy: request.requestedBy,
  };

/**
 * Installs the certificate of a request made on this device: downloads it, checks that it belongs
 * to the key made here and that the CA chain in the client folder issued it, writes it into the
 * package's store, then confirms the install to the API (Approved → Installed). A request already
 * Installed is only re-written locally.
 */
export async function installOwn(pickup: Pickup, request: RequestSummary, record: LocalRequest | undefined): Promise<InstallResult> {
  const { ctx, config, api } = pickup;
  const keyPem = await readRequestKey(ctx.paths, config.packageId, request.id);
  if (keyPem === undefined) {
    return { action: 'key-elsewhere' };
  }
  ctx.out.progress(`Downloading the certificate of request Id ${request.id}`);
  const pem = await api.downloadCertificate(request.id, pickup.requester);
  const bundle = readBundle(pem, pickup.caChain, config.urls.request);
  if (!keyMatches(keyPem, bundle.leaf.spki)) {
    throw new OperationError('KEY_MISMATCH', `The certificate of request Id ${request.id} does not belong to the key made on this device: it was not installed.`);
  }
  if (!issuedByCaChain(bundle.leaf.x509, pickup.caChain)) {
    throw new OperationError('UNKNOWN_ISSUER', `The certificate of request Id ${request.id} is not issued by the CA chain in ${ctx.paths.caChainFile}: it was not installed (if the CA was renewed, run \`enroll init\` again to fetch its new chain).`);
  }
  const files = await installCertificate({
    storeDir: storeFolder(ctx.paths, config.store),
    store: config.store,
    requestId: request.id,
    keyPem,
    leaf: bundle.leaf.der,
    chain: bundle.chain,
    pkcs12Password: pickup.pkcs12Password,
    friendlyName: `Enroll ${request.commonName} (request ${request.id})`,
  });
  await saveRequestFile(ctx.paths, config.packageId, request.id, 'certificate.pem', certificatesToPem([bundle.leaf.der, ...bundle.chain]));
  const notAfter = new Date(bundle.leaf.x509.validTo).toISOString();
  await saveRecord(ctx.paths, {
    ...baseRecord(pickup, request, record),
    installed: { at: ctx.now().toISOString(), store: config.store, folder: files.folder, serialNumber: bundle.leaf.serialNumber, notAfter },
  });
  const confirm = request.status === 'Approved';
  if (confirm) {
    await api.confirmInstalled(request.id);
  }
  await ctx.log('installed', `Installed certificate ${bundle.leaf.serialNumber} (${request.commonName}) in ${files.folder}${confirm ? '; confirmed to the API' : ''}.`, request.id);
  return { action: 'installed', folder: files.folder, serialNumber: bundle.leaf.serialNumber, notAfter, confirmed: confirm };
}

/**
 * Saves an external request's certificate (leaf then chain) under `config/<environment>/`. The
 * first download with `downloadedBy` is what marks the request Downloaded on the server.
 */
export async function saveExternal(pickup: Pickup, request: RequestSummary, record: LocalRequest | undefined): Promise<string> {
  const { ctx, config, api } = pickup;
  ctx.out.progress(`Downloading the external certificate of request Id ${request.id}`);
  const pem = await api.downloadCertificate(request.id, pickup.requester);
  const bundle = readBundle(pem, pickup.caChain, config.urls.request);
  if (!issuedByCaChain(bundle.leaf.x509, pickup.caChain)) {
    ctx.out.warn(`the certificate of request Id ${request.id} is not issued by the CA chain in ${ctx.paths.caChainFile}.`);
  }
  const folder = externalFolder(ctx.paths, config.environment);
  await ensureDir(folder, PRIVATE_DIR);
  const file = join(folder, `${safeFileName(request.commonName || 'external')}-request-${request.id}.pem`);
  await writeFileAtomic(file, certificatesToPem([bundle.leaf.der, ...bundle.chain]), PUBLIC_FILE);
  await saveRecord(ctx.paths, { ...baseRecord(pickup, request, record), saved: { at: ctx.now().toISOString(), file } });
  await ctx.log('saved-external', `Saved external certificate ${bundle.leaf.serialNumber} (${request.commonName}) to ${file}.`, request.id);
  return file;
}
