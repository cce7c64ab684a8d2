import { join } from 'node:path';
import { generatePrivateKey, toWindowsStyle, type KeyAlgorithm } from '@enroll/pki';
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
import { renderFields } from '../table';

export interface SubmitOptions {
  readonly kind?: OwnKind;
  readonly cn?: string;
  readonly locality: string;
  readonly state: string;
  readonly email: string;
  readonly keyLength?: string;
  readonly keyType?: string;
  readonly phone: string;
  readonly description: string;
  readonly requestedBy?: string;
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

function checkInput(config: ClientConfig, kind: OwnKind, options: SubmitOptions): void {
  if (!allowsKind(config, kind)) {
    throw new UsageError(
      'KIND_NOT_ALLOWED',
      `This enrollment package does not allow ${kind} requests (it allows ${config.kinds.join(', ')}).`,
    );
  }
  for (const [flag, value] of [
    ['--phone', options.phone],
    ['--description', options.description],
    ['--locality', options.locality],
    ['--state', options.state],
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

/** `enroll submit`: device details, key and CSR made here, request sent; the key never leaves the device. */
export async function submitCommand(ctx: Context, options: SubmitOptions): Promise<ExitCode> {
  const config = await ctx.config();
  const kind = options.kind ?? 'workstation';
  checkInput(config, kind, options);
  const algorithm: KeyAlgorithm = keyAlgorithmFor(options.keyType ?? 'rsa', options.keyLength);
  // RSA key generation runs on the thread pool while the device details are collected (bench:client).
  ctx.out.progress(`Generating the ${algorithm} key on this device`);
  const keyPromise = generatePrivateKey(algorithm);
  keyPromise.catch(() => undefined);
  ctx.out.progress('Collecting the device details');
  const device = await ctx.collectDevice();
  if (device.macAddress === '00:00:00:00:00:00') {
    ctx.out.warn(
      'no network interface with a MAC address was found; the device fingerprint uses the processor id only.',
    );
  }
  const commonName = commonNameFor(kind, options.cn, device);
  const subject = withFlag(options.cn === undefined ? undefined : '--cn', () =>
    ownSubject({
      kind,
      commonName,
      organizationCode: config.organization.code,
      country: config.organization.country,
      state: options.state.trim(),
      locality: options.locality.trim(),
      email: options.email.trim(),
    }),
  );
  const privateKey = await keyPromise;
  const csr = makeOwnCsr(privateKey, subject, kind);
  const requester = ctx.requester(options.requestedBy);
  const pending = await writePendingKey(ctx.paths, config.packageId, privateKeyToPem(privateKey));

  ctx.out.progress(`Submitting the request to ${config.urls.request}`);
  let submitted;
  try {
    submitted = await ctx.api(config).submit({
      kind,
      csr,
      requestedBy: requester,
      phone: options.phone.trim(),
      description: options.description.trim(),
      device,
    });
  } catch (error) {
    // Not accepted: the key certifies nothing and must not linger. If the service did store it
    // after all (an answer lost on the way), the next submission cancels that one.
    await discardPending(pending);
    throw error;
  }
  const folder = await commitPending(ctx.paths, config.packageId, pending, submitted.id);
  await saveRequestFile(ctx.paths, config.packageId, submitted.id, 'csr.pem', csr);
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
