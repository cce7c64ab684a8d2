import { allowsKind } from '../client-config';
import type { Context } from '../context';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { checkExternalCsr, readExternalCsr, viewExternalCsr } from '../external-csr';
import { normalizeMac, parseOsType, type DeviceInfo } from '../fingerprint';
import { readTextIfExists } from '../fs-util';
import { userPath } from '../paths';
import { saveRecord, saveRequestFile } from '../request-records';
import { renderFields } from '../table';

/** The other server's details, as typed by the requester (they cannot be detected from here). */
export interface ExternalDetails {
  readonly fqdn?: string | undefined;
  readonly mac: string;
  readonly nic: string;
  readonly processorId: string;
  readonly osVersion: string;
  readonly osType: string;
  readonly phone: string;
  readonly description: string;
}

export type ExternalOptions = Partial<ExternalDetails> & {
  readonly csr: string;
  readonly requestedBy?: string;
  readonly yes?: boolean;
};

type Detail = Exclude<keyof ExternalDetails, 'fqdn'>;

/** The details an external request needs, in the order the form asks for them, with their checks. */
const DETAILS: readonly {
  readonly field: Detail;
  readonly flag: string;
  readonly label: string;
  readonly default?: string;
  readonly check?: (answer: string) => string | undefined;
}[] = [
  {
    field: 'mac',
    flag: '--mac',
    label: "The other server's MAC address",
    check: (answer) => (normalizeMac(answer) ? undefined : 'a MAC address such as 00:1A:2B:3C:4D:5E is expected'),
  },
  { field: 'nic', flag: '--nic', label: 'Its network interface id (NIC id)' },
  { field: 'processorId', flag: '--processor-id', label: 'Its processor id' },
  { field: 'osVersion', flag: '--os-version', label: 'Its operating system and version' },
  {
    field: 'osType',
    flag: '--os-type',
    label: 'Its OS type (64 or 32 bit)',
    default: '64',
    check: (answer) => (parseOsType(answer) ? undefined : '64 or 32 is expected'),
  },
  { field: 'phone', flag: '--phone', label: 'Phone (where the approver can reach you)' },
  { field: 'description', flag: '--description', label: 'Description (what the server is, for the approver)' },
];

/**
 * The details from the options, the missing ones asked for in a terminal (the FQDN offered as the
 * CSR's common name). Without a terminal, one usage error names every missing option.
 */
async function detailsOf(
  ctx: Context,
  options: ExternalOptions,
  commonName: string,
): Promise<ExternalDetails | 'declined'> {
  const missing = DETAILS.filter(({ field }) => options[field] === undefined);
  const given = (field: Detail): string => options[field] ?? '';
  if (missing.length === 0) {
    return {
      fqdn: options.fqdn,
      ...(Object.fromEntries(DETAILS.map(({ field }) => [field, given(field)])) as Record<Detail, string>),
    };
  }
  if (!ctx.interactive) {
    throw new UsageError(
      'OPTIONS_MISSING',
      `Missing required option${missing.length === 1 ? '' : 's'}: ${missing.map(({ flag }) => flag).join(', ')} (in a terminal, enroll external asks for them).`,
    );
  }
  const prompter = ctx.prompter();
  try {
    const fqdn =
      options.fqdn ??
      (await prompter.ask("The other server's FQDN", {
        default: commonName.toLowerCase(),
        check: (answer) => (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(answer) ? undefined : 'a DNS name is expected'),
      }));
    const answers: Partial<Record<Detail, string>> = {};
    for (const detail of DETAILS) {
      answers[detail.field] =
        options[detail.field] ??
        (await prompter.ask(detail.label, {
          ...(detail.default === undefined ? {} : { default: detail.default }),
          ...(detail.check === undefined ? {} : { check: detail.check }),
        }));
    }
    if (options.yes !== true && !(await prompter.confirm('Submit this request?', true))) {
      return 'declined';
    }
    return { fqdn, ...(answers as Record<Detail, string>) };
  } finally {
    prompter.close();
  }
}

/** The other server's details, as typed by the requester (they cannot be detected from here). */
export function externalDevice(options: ExternalDetails, commonName: string): DeviceInfo {
  const macAddress = normalizeMac(options.mac);
  if (!macAddress) {
    throw new UsageError(
      'MAC_INVALID',
      `--mac must be a MAC address such as 00:1A:2B:3C:4D:5E, not ${JSON.stringify(options.mac)}.`,
    );
  }
  const osType = parseOsType(options.osType);
  if (!osType) {
    throw new UsageError(
      'OS_TYPE_INVALID',
      `--os-type must be 64 or 32 (64-bit or 32-bit), not ${JSON.stringify(options.osType)}.`,
    );
  }
  const fqdn = (options.fqdn ?? commonName).trim().toLowerCase();
  for (const [flag, value] of [
    ['--nic', options.nic],
    ['--processor-id', options.processorId],
    ['--os-version', options.osVersion],
    ['--phone', options.phone],
    ['--description', options.description],
    ['--fqdn', fqdn],
  ] as const) {
    if (value.trim() === '') {
      throw new UsageError('OPTION_EMPTY', `${flag} must not be empty.`);
    }
  }
  return {
    machineName: fqdn.split('.')[0] ?? fqdn,
    fqdn,
    macAddress,
    nicId: options.nic.trim(),
    processorId: options.processorId.trim(),
    osVersion: options.osVersion.trim(),
    osType,
  };
}

/**
 * `enroll external --csr <file> ...`: reads a CSR made on another server, shows it, checks that it
 * asks for exactly the external profile's usages, and only then submits it (kind `external`).
 */
export async function externalCommand(ctx: Context, options: ExternalOptions): Promise<ExitCode> {
  const config = await ctx.config();
  if (!allowsKind(config, 'external')) {
    throw new UsageError(
      'KIND_NOT_ALLOWED',
      `This enrollment package does not allow external requests (it allows ${config.kinds.join(', ')}).`,
    );
  }
  const source = userPath(ctx.cwd, options.csr);
  const text = await readTextIfExists(source);
  if (text === undefined) {
    throw new UsageError(
      'CSR_NOT_FOUND',
      `${source} does not exist: give the path of the CSR file made on the other server.`,
    );
  }
  const csr = readExternalCsr(text, source);
  const view = viewExternalCsr(csr);
  ctx.out.text(
    renderFields([
      ['Subject', view.subject],
      ['Common name', view.commonName],
      ['Public key', view.publicKey],
      ['Signature', view.signatureAlgorithm],
      ['Key usage', view.keyUsage.join(', ') || '(none requested)'],
      ['Extended key usage', view.extendedKeyUsage.join(', ') || '(none requested)'],
      ['Subject alt. names', view.subjectAltNames.join(', ') || '(none; the CA adds DNS:<common name>)'],
    ]),
  );
  checkExternalCsr(csr);
  const details = await detailsOf(ctx, options, view.commonName);
  if (details === 'declined') {
    ctx.out.text('Nothing was submitted.');
    return EXIT.failed;
  }
  const device = externalDevice(details, view.commonName);
  const requester = ctx.requester(options.requestedBy);
  ctx.out.progress(`Submitting the external request to ${config.urls.request}`);
  const submitted = await ctx.api(config).submit({
    kind: 'external',
    csr: text,
    requestedBy: requester,
    phone: details.phone.trim(),
    description: details.description.trim(),
    device,
  });
  await saveRequestFile(ctx.paths, config.packageId, submitted.id, 'csr.pem', text);
  await saveRecord(ctx.paths, {
    id: submitted.id,
    packageId: config.packageId,
    kind: 'external',
    commonName: view.commonName,
    submittedAt: submitted.submittedAt,
    requestedBy: requester,
  });
  const rejected = submitted.status === 'Rejected';
  await ctx.log(
    rejected ? 'submitted-rejected' : 'submitted',
    `Submitted an external request for ${view.commonName} from ${source}; status ${submitted.status}.`,
    submitted.id,
  );
  ctx.out.result({ sent: true, request: submitted, csr: view, device, requestedBy: requester });
  if (rejected) {
    ctx.out.text(
      `The request was recorded but rejected for request Id ${submitted.id}: ${submitted.rejectionReason ?? 'no reason given'}.`,
    );
    return EXIT.failed;
  }
  ctx.out.text(`The new certificate request has been submitted successfully for request Id ${submitted.id}.`);
  return EXIT.ok;
}
