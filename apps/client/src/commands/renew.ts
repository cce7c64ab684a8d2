import { resolveKeyGroup } from '../key-group';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { generatePrivateKey, readCertificate, type KeyAlgorithm } from '@enroll/pki';
import { requireAdministrator } from '../administrator';
import { readProblem, type RequestSummary } from '../api-model';
import { installOwn, type InstallResult, type Pickup } from '../certificate-pickup';
import { renewUrl } from '../client-config';
import { ensureCaChain } from '../config-store';
import type { Context } from '../context';
import { ApiError, describeNetworkFailure, EXIT, NetworkError, OperationError, type ExitCode } from '../errors';
import { findInstalled } from '../installed-certificate';
import { markRetired, removeRetiredKeys } from '../key-cleanup';
import { classifyTlsFailure, mtlsRequest, MtlsTransportError } from '../mtls-client';
import { makeOwnCsr, privateKeyToPem } from '../own-csr';
import { DEFAULT_THRESHOLD, parseThreshold, renewalDue } from '../renewal-due';
import { finishInterruptedRenewals, renewalRecord, writeRenewalMarker, type RenewalMarker } from '../renewal-recovery';
import {
  commitPending,
  discardPending,
  readRecords,
  saveRecord,
  saveRequestFile,
  writePendingKey,
} from '../request-records';
import { loadSettings } from '../settings';
import { checkTrustSystem } from '../system-trust';
import { browserStoreFailed, browserStoreLine, browserStoreOutcome, trustSystem } from './get';

export interface RenewOptions {
  readonly ifDue?: boolean;
  readonly renewWhenRemaining?: string;
  readonly exec?: string;
  readonly request?: number;
  readonly p12Password?: string;
  /** false with --no-browser-store. */
  readonly browserStore?: boolean;
  readonly trustSystem?: boolean;
}

/** The renewal service's answer (201 Approved with the certificate, 202 Pending). */
interface RenewAnswer {
  readonly id: number;
  readonly status: string;
  readonly renewalOf: number;
  readonly certificate?: string;
}

function readAnswer(body: string, url: string): RenewAnswer {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    value = undefined;
  }
  const answer = value as Partial<RenewAnswer> | undefined;
  if (typeof answer?.id !== 'number' || typeof answer.status !== 'string') {
    throw new OperationError(
      'UNEXPECTED_RESPONSE',
      `The renewal service at ${url} answered with an unexpected body: is the API current?`,
    );
  }
  return answer as RenewAnswer;
}

/** The algorithm of an existing key, so that a renewal keeps the device's choice. */
export function algorithmOfKey(keyPem: string): KeyAlgorithm {
  const key = createPrivateKey(keyPem);
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    return details?.namedCurve === 'secp384r1' ? 'EC-P384' : 'EC-P256';
  }
  switch (details?.modulusLength) {
    case 4096:
      return 'RSA-4096';
    case 3072:
      return 'RSA-3072';
    default:
      return 'RSA-2048';
  }
}

const installedLine = (id: number, result: Extract<InstallResult, { action: 'installed' }>): string =>
  `  ${result.current ?? result.folder} (cert.pem, key.pem, chain.pem, fullchain.pem, bundle.p12), valid until ${result.notAfter}` +
  (result.current ? `\n  the files of request Id ${id} are in ${result.folder}` : '') +
  browserStoreLine(browserStoreOutcome(result.browserStore));

/**
 * `enroll renew`: renews the installed certificate over mutual TLS with a new key made here,
 * installs it at the same stable paths (`<store>/current/...`), confirms it and runs the hook.
 * With --if-due it does nothing until the certificate is due, so that a timer can run it daily.
 */
export async function renewCommand(ctx: Context, options: RenewOptions): Promise<ExitCode> {
  const config = await ctx.config();
  requireAdministrator(ctx, config);
  if (options.trustSystem) {
    checkTrustSystem(ctx, config);
  }
  const settings = await loadSettings(ctx.paths, ctx.env);
  const threshold = parseThreshold(options.renewWhenRemaining ?? settings.renewWhenRemaining ?? DEFAULT_THRESHOLD);
  const api = ctx.api(config);
  const caChain = await ensureCaChain(ctx.paths, () => api.fetchCaChain(), config.caFingerprint, config.urls.caChain);
  const pickup: Pickup = {
    ctx,
    config,
    api,
    caChain,
    requester: ctx.requester(undefined),
    pkcs12Password: options.p12Password ?? ctx.env.ENROLL_P12_PASSWORD,
    hook: options.exec ?? settings.exec,
    browserStore: options.browserStore !== false && settings.browserStore !== false,
    // Resolved before anything is fetched: a group that does not exist stops the run (exit 2).
    keyGroup: config.store === 'machine' && settings.keyGroup ? resolveKeyGroup(settings.keyGroup) : undefined,
  };
  const hookFailed = (result: InstallResult): boolean =>
    result.action === 'installed' &&
    ((result.hook !== undefined && !result.hook.ok) || browserStoreFailed(result.browserStore));
  const systemTrust = options.trustSystem ? await trustSystem(ctx, config, caChain) : undefined;
  // A system trust store left unchanged is a failure (exit 1), said after the renewal's own outcome.
  const done = (code: ExitCode): ExitCode => (code === EXIT.ok && systemTrust?.ok === false ? EXIT.failed : code);

  // An interrupted renewal is finished first: that is the renewal this run was for.
  const finished = (await finishInterruptedRenewals(pickup)).filter((f) => f.result.action === 'installed');
  if (finished.length > 0) {
    for (const { id, result } of finished) {
      if (result.action === 'installed') {
        ctx.out.text(
          `Certificate installed successfully for request Id ${id} (an interrupted renewal, finished now).\n${installedLine(id, result)}`,
        );
      }
    }
    await removeRetiredKeys(ctx, config, settings.keyGraceDays);
    ctx.out.result({ renewed: true, finished: finished.map((f) => ({ id: f.id, ...f.result })) });
    return done(finished.some((f) => hookFailed(f.result)) ? EXIT.failed : EXIT.ok);
  }

  const installed = await findInstalled(ctx, config, options.request);
  if ('missing' in installed) {
    throw new OperationError('NOT_INSTALLED', installed.reason);
  }
  const current = installed.record;
  const certificate = new X509Certificate(installed.certificatePem);
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (notAfter.getTime() <= ctx.now().getTime()) {
    throw new OperationError(
      'CERTIFICATE_EXPIRED',
      `The certificate of request Id ${current.id} expired on ${notAfter.toISOString()}: a renewal needs a current certificate. Submit a new request with \`enroll submit\`.`,
    );
  }
  if (current.kind === 'external') {
    throw new OperationError(
      'NOT_RENEWABLE',
      `Request Id ${current.id} is an external request: its key is on the other server.`,
    );
  }
  const due = renewalDue(notBefore, notAfter, threshold, ctx.now());
  const validity = {
    requestId: current.id,
    serialNumber: certificate.serialNumber,
    notAfter: notAfter.toISOString(),
    dueFrom: due.dueFrom.toISOString(),
    daysLeft: due.daysLeft,
  };
  if (options.ifDue && !due.due) {
    await removeRetiredKeys(ctx, config, settings.keyGraceDays);
    ctx.out.result({ renewed: false, due: false, ...validity });
    ctx.out.text(
      `Not due: the certificate of request Id ${current.id} is valid until ${validity.notAfter} (${due.daysLeft} days left); it will be renewed from ${validity.dueFrom}.`,
    );
    return done(EXIT.ok);
  }

  // A renewal already waiting for a person is not sent twice.
  const records = await readRecords(ctx.paths, config.packageId);
  for (const waiting of [...records.values()].filter(
    (r) => r.renewalOf === current.id && r.installed === undefined && r.retired === undefined,
  )) {
    const request = await api.getRequest(waiting.id);
    if (request.status === 'Requested' || request.status === 'Pending') {
      ctx.out.result({ renewed: false, due: due.due, pending: waiting.id, ...validity });
      ctx.out.text(
        `Renewal request Id ${waiting.id} of request Id ${current.id} is waiting for approval (${request.status}): it is installed by the next \`enroll renew --if-due\` or \`enroll get\` once approved.`,
      );
      return done(EXIT.ok);
    }
    if (request.status === 'Rejected' || request.status === 'Cancelled') {
      await markRetired(ctx, waiting, request.status);
    }
  }

  const algorithm = current.keyAlgorithm ?? algorithmOfKey(installed.keyPem);
  ctx.out.progress(`Generating the new ${algorithm} key on this device`);
  const privateKey = await generatePrivateKey(algorithm);
  const pending = await writePendingKey(ctx.paths, config.packageId, privateKeyToPem(privateKey));
  const marker: RenewalMarker = {
    renewalOf: current.id,
    kind: current.kind,
    commonName: current.commonName,
    keyAlgorithm: algorithm,
    requestedBy: current.requestedBy,
    at: ctx.now().toISOString(),
  };
  await writeRenewalMarker(pending, marker);
  const csr = makeOwnCsr(privateKey, readCertificate(installed.certificatePem).subject, current.kind);

  const url = renewUrl(config);
  ctx.out.progress(`Renewing the certificate of request Id ${current.id} at ${url} over mutual TLS`);
  let response;
  try {
    response = await mtlsRequest(
      url,
      'POST',
      { cert: installed.fullchainPem, key: installed.keyPem, ca: caChain },
      { csr },
      ctx.timeoutMs,
    );
  } catch (error) {
    if (!(error instanceof MtlsTransportError)) {
      throw error;
    }
    const failure = classifyTlsFailure(error, url, ctx.timeoutMs);
    if (failure.kind === 'unreachable') {
      // The service may have received it: the next run finds out (renewal-recovery.ts).
      throw new NetworkError(url, describeNetworkFailure(error.original, ctx.timeoutMs));
    }
    await discardPending(pending);
    throw new OperationError(`TLS_${failure.kind.toUpperCase().replace(/-/g, '_')}`, failure.reason);
  }
  if (response.status !== 201 && response.status !== 202) {
    await discardPending(pending);
    const problem = readProblem(response.status, '', response.body);
    if (problem.code === 'ALREADY_RENEWED') {
      throw new OperationError(
        'ALREADY_RENEWED',
        `The certificate of request Id ${current.id} has already been renewed by another request: run \`enroll get\` to install it (on the device that made it), or \`enroll status\` to see it.`,
      );
    }
    throw new ApiError(url, problem);
  }
  const answer = readAnswer(response.body, url);
  await commitPending(ctx.paths, config.packageId, pending, answer.id);
  const record = renewalRecord(config.packageId, answer.id, marker);
  await saveRecord(ctx.paths, record);
  await saveRequestFile(ctx.paths, config.packageId, answer.id, 'request.csr', csr);
  await ctx.log(
    'renewal-submitted',
    `Renewal of request Id ${current.id} submitted as request Id ${answer.id} (${answer.status}).`,
    answer.id,
  );

  if (answer.status !== 'Approved' || answer.certificate === undefined) {
    ctx.out.result({ renewed: false, due: due.due, pending: answer.id, status: answer.status, ...validity });
    ctx.out.text(
      `The renewal request has been submitted for request Id ${answer.id} (renews request Id ${current.id}); it waits for approval (${answer.status}). ` +
        'It is installed by the next `enroll renew --if-due` or `enroll get` once approved.',
    );
    return done(EXIT.ok);
  }
  const summary: RequestSummary = {
    id: answer.id,
    status: 'Approved',
    kind: current.kind,
    commonName: current.commonName,
    subject: certificate.subject,
    submittedAt: marker.at,
    requestedBy: current.requestedBy,
    downloadedAt: null,
    downloadedBy: null,
    enrollmentType: config.store === 'machine' ? 'Machine' : 'User',
    rejectionReason: null,
    renewalOf: current.id,
  };
  const result = await installOwn(pickup, summary, record, answer.certificate);
  await removeRetiredKeys(ctx, config, settings.keyGraceDays);
  if (result.action !== 'installed') {
    throw new OperationError(
      'NOT_INSTALLED',
      `The renewed certificate of request Id ${answer.id} could not be installed.`,
    );
  }
  ctx.out.result({ renewed: true, id: answer.id, renewalOf: current.id, ...result, previous: validity });
  ctx.out.text(
    `Certificate renewed: request Id ${answer.id} replaces request Id ${current.id}.\nCertificate installed successfully for request Id ${answer.id}.\n${installedLine(answer.id, result)}`,
  );
  return done(hookFailed(result) ? EXIT.failed : EXIT.ok);
}
