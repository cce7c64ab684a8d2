import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { generatePrivateKey, toWindowsStyle, type DistinguishedName, type KeyAlgorithm } from '@enroll/pki';
import type { SubmitBody } from '../api-client';
import type { RequestSummary } from '../api-model';
import { allowsKind, type ClientConfig } from '../client-config';
import type { Context } from '../context';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { deviceFingerprint, type DeviceInfo } from '../fingerprint';
import { keyAlgorithmFor, makeOwnCsr, ownSubject, privateKeyToPem, profileUsages, type OwnKind } from '../own-csr';
import {
  commitPending,
  discardPending,
  KEY_FILE,
  saveRecord,
  saveRequestFile,
  writePendingKey,
} from '../request-records';
import {
  askMissingFields,
  fieldsFromOptions,
  missingOptions,
  renderPreview,
  type SubmitFields,
  type SubmitInput,
} from '../submit-form';
import { renderFields } from '../table';

export interface SubmitOptions extends SubmitInput {
  readonly kind?: OwnKind;
  readonly requestedBy?: string;
  /** Check with the service and show what would be created; send nothing for real. */
  readonly dryRun?: boolean;
  /** After the form, submit without asking for a confirmation. */
  readonly yes?: boolean;
}

/**
 * The common name by kind: a workstation is named by its fingerprint (read-only); a server by the
 * DNS name the requester types (default: this machine's FQDN); a mobile device by its identifier.
 */
export function commonNameFor(kind: OwnKind, cn: string | undefined, device: DeviceInfo): string {
  switch (kind) {
    case 'workstation':
      if (cn !== undefined) {
        throw new UsageError(
          'CN_READ_ONLY',
          'A workstation is named by its device fingerprint: --cn is for servers and mobile devices.',
        );
      }
      return deviceFingerprint(device);
    case 'server':
      return cn ?? device.fqdn;
    case 'mobile':
      return cn ?? deviceFingerprint(device);
  }
}

function checkKind(config: ClientConfig, kind: OwnKind): void {
  if (!allowsKind(config, kind)) {
    throw new UsageError(
      'KIND_NOT_ALLOWED',
      `This enrollment package does not allow ${kind} requests (it allows ${config.kinds.join(', ')}).`,
    );
  }
}

function checkNotEmpty(fields: SubmitFields): void {
  for (const [flag, value] of [
    ['--phone', fields.phone],
    ['--description', fields.description],
    ['--locality', fields.locality],
    ['--state', fields.state],
  ] as const) {
    if (value.trim() === '') {
      throw new UsageError('OPTION_EMPTY', `${flag} must not be empty.`);
    }
  }
}

/** Names the option a refusal is about, so that the user knows what to retype. */
function withFlag<T>(flag: string | undefined, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (flag !== undefined && error instanceof UsageError && error.code === 'SUBJECT_INVALID') {
      throw new UsageError(error.code, `${flag}: ${error.message}`);
    }
    throw error;
  }
}

/** Everything made on the device before anything is sent. */
interface Prepared {
  readonly kind: OwnKind;
  readonly commonName: string;
  readonly subject: DistinguishedName;
  readonly algorithm: KeyAlgorithm;
  readonly privateKey: KeyObject;
  readonly device: DeviceInfo;
  readonly requester: string;
  readonly body: SubmitBody;
}

async function collectDevice(ctx: Context): Promise<DeviceInfo> {
  ctx.out.progress('Collecting the device details');
  const device = await ctx.collectDevice();
  if (device.macAddress === '00:00:00:00:00:00') {
    ctx.out.warn(
      'no network interface with a MAC address was found; the device fingerprint uses the processor id only.',
    );
  }
  return device;
}

function startKey(ctx: Context, algorithm: KeyAlgorithm): Promise<KeyObject> {
  ctx.out.progress(`Generating the ${algorithm} key on this device`);
  const key = generatePrivateKey(algorithm);
  key.catch(() => undefined);
  return key;
}

/**
 * The form (in a terminal, for what the options did not say) or the options alone, then the key
 * and the CSR. RSA key generation runs on the thread pool while the device details are collected
 * when nothing has to be asked first (bench:client).
 */
async function prepare(
  ctx: Context,
  config: ClientConfig,
  options: SubmitOptions,
): Promise<Prepared & { asked: boolean }> {
  const kind = options.kind ?? 'workstation';
  checkKind(config, kind);
  const asked = missingOptions(options).length > 0 && ctx.interactive;
  let keyPromise: Promise<KeyObject> | undefined;
  let fields: SubmitFields;
  let device: DeviceInfo;
  if (asked) {
    device = await collectDevice(ctx);
    fields = await askMissingFields(ctx, config, kind, options, device);
  } else {
    fields = fieldsFromOptions(options);
    keyPromise = startKey(ctx, keyAlgorithmFor(fields.keyType, fields.keyLength));
    device = await collectDevice(ctx);
  }
  checkNotEmpty(fields);
  const algorithm = keyAlgorithmFor(fields.keyType, fields.keyLength);
  keyPromise ??= startKey(ctx, algorithm);
  const commonName = commonNameFor(kind, fields.cn, device);
  const subject = withFlag(fields.cn === undefined ? undefined : '--cn', () =>
    ownSubject({
      kind,
      commonName,
      organizationCode: config.organization.code,
      country: config.organization.country,
      state: fields.state.trim(),
      locality: fields.locality.trim(),
      email: fields.email.trim(),
    }),
  );
  const privateKey = await keyPromise;
  const csr = makeOwnCsr(privateKey, subject, kind);
  const requester = ctx.requester(options.requestedBy);
  const body: SubmitBody = {
    kind,
    csr,
    requestedBy: requester,
    phone: fields.phone.trim(),
    description: fields.description.trim(),
    device,
  };
  return { kind, commonName, subject, algorithm, privateKey, device, requester, body, asked };
}

/**
 * `enroll submit`: device details, key and CSR made here, request sent; the key never leaves the
 * device. In a terminal, a missing field is asked for, and the service's dry run shows the exact
 * subject and usages before anything is sent; `--dry-run` shows them and sends nothing.
 */
export async function submitCommand(ctx: Context, options: SubmitOptions): Promise<ExitCode> {
  const config = await ctx.config();
  const prepared = await prepare(ctx, config, options);
  const api = ctx.api(config);
  // The key is on disk before any call that may store the request (an API older than the dry run submits on one).
  const pending = await writePendingKey(ctx.paths, config.packageId, privateKeyToPem(prepared.privateKey));
  let submitted: RequestSummary;
  try {
    if (options.dryRun === true || prepared.asked) {
      ctx.out.progress(`Checking the request with ${config.urls.request} (dry run)`);
      const checked = await api.preview(prepared.body);
      if ('submitted' in checked) {
        ctx.out.warn('the service does not know dry runs (an older API): it has stored the request.');
        submitted = checked.submitted;
      } else {
        ctx.out.text(renderPreview(checked.preview));
        if (options.dryRun === true) {
          await discardPending(pending);
          ctx.out.result({ dryRun: true, preview: checked.preview, requestedBy: prepared.requester });
          ctx.out.text('Dry run: nothing was submitted.');
          return checked.preview.verdict === 'Rejected' ? EXIT.failed : EXIT.ok;
        }
        const rejected = checked.preview.verdict === 'Rejected';
        const go =
          options.yes === true ||
          (await confirm(
            ctx,
            rejected ? 'It would be rejected. Submit it anyway?' : 'Submit this request?',
            !rejected,
          ));
        if (!go) {
          await discardPending(pending);
          ctx.out.text('Nothing was submitted.');
          return EXIT.failed;
        }
        ctx.out.progress(`Submitting the request to ${config.urls.request}`);
        submitted = await api.submit(prepared.body);
      }
    } else {
      ctx.out.progress(`Submitting the request to ${config.urls.request}`);
      submitted = await api.submit(prepared.body);
    }
  } catch (error) {
    // Not accepted: the key certifies nothing and must not linger. If the service did store it
    // after all (an answer lost on the way), the next submission cancels that one.
    await discardPending(pending);
    throw error;
  }
  return recordSubmitted(ctx, config, prepared, pending, submitted);
}

async function confirm(ctx: Context, question: string, defaultYes: boolean): Promise<boolean> {
  const prompter = ctx.prompter();
  try {
    return await prompter.confirm(question, defaultYes);
  } finally {
    prompter.close();
  }
}

async function recordSubmitted(
  ctx: Context,
  config: ClientConfig,
  prepared: Prepared,
  pending: string,
  submitted: RequestSummary,
): Promise<ExitCode> {
  const { kind, commonName, subject, algorithm, privateKey, device, requester } = prepared;
  const folder = await commitPending(ctx.paths, config.packageId, pending, submitted.id);
  await saveRequestFile(ctx.paths, config.packageId, submitted.id, 'csr.pem', prepared.body.csr);
  await saveRecord(ctx.paths, {
    id: submitted.id,
    packageId: config.packageId,
    kind,
    commonName,
    keyAlgorithm: algorithm,
    submittedAt: submitted.submittedAt,
    requestedBy: requester,
  });
  const rejected = submitted.status === 'Rejected';
  await ctx.log(
    rejected ? 'submitted-rejected' : 'submitted',
    `Submitted a ${kind} request for ${commonName} (${algorithm} key made on the device); status ${submitted.status}${submitted.rejectionReason ? `: ${submitted.rejectionReason}` : ''}.`,
    submitted.id,
  );

  const usages = profileUsages(kind, privateKey);
  ctx.out.result({
    request: submitted,
    kind,
    commonName,
    subject: toWindowsStyle(subject),
    keyAlgorithm: algorithm,
    keyFile: join(folder, KEY_FILE),
    device,
    requestedBy: requester,
  });
  ctx.out.text(
    renderFields([
      ['Organization', `${config.organization.code} (${config.organization.name})`],
      ['Country', config.organization.country],
      ['Kind', kind],
      ['Common name', commonName],
      ['Subject', toWindowsStyle(subject)],
      ['Key', `${algorithm}, made on this device: ${join(folder, KEY_FILE)}`],
      ['Key usage', usages.keyUsage],
      ['Extended key usage', usages.extendedKeyUsage],
      ['Requested by', requester],
      ['Machine', `${device.machineName} (${device.fqdn}), ${device.osVersion}, ${device.osType}`],
      ['MAC / NIC / CPU', `${device.macAddress} / ${device.nicId} / ${device.processorId}`],
    ]),
  );
  if (rejected) {
    ctx.out.text(
      `The request was recorded but rejected for request Id ${submitted.id}: ${submitted.rejectionReason ?? 'no reason given'}.`,
    );
    return EXIT.failed;
  }
  ctx.out.text(`The new certificate request has been submitted successfully for request Id ${submitted.id}.`);
  return EXIT.ok;
}
