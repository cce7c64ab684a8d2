import { isPkiError, parseRfc4514, PROFILES, toWindowsStyle } from '@enroll/pki';
import type { Preview } from './api-model';
import type { ClientConfig } from './client-config';
import type { Context } from './context';
import { UsageError } from './errors';
import { deviceFingerprint, type DeviceInfo } from './fingerprint';
import { isEmail, type OwnKind } from './own-csr';
import { renderFields } from './table';

/** What `enroll submit` needs of its user, from the options or the form. */
export interface SubmitFields {
  readonly cn?: string | undefined;
  readonly locality: string;
  readonly state: string;
  readonly email: string;
  readonly keyType: string;
  readonly keyLength?: string | undefined;
  readonly phone: string;
  readonly description: string;
}

type Asked = 'locality' | 'state' | 'email' | 'phone' | 'description';

/** The fields without a default, in the original form's order, with their options and labels. */
export const REQUIRED_FIELDS: readonly { readonly field: Asked; readonly flag: string; readonly label: string }[] = [
  { field: 'locality', flag: '--locality', label: 'Locality / city (L)' },
  { field: 'state', flag: '--state', label: 'State / province (ST)' },
  { field: 'email', flag: '--email', label: 'E-mail address' },
  { field: 'phone', flag: '--phone', label: 'Phone (where the approver can reach you)' },
  { field: 'description', flag: '--description', label: 'Description (what this device is, for the approver)' },
];

export type SubmitInput = Partial<Record<Asked, string>> & {
  readonly cn?: string | undefined;
  readonly keyType?: string | undefined;
  readonly keyLength?: string | undefined;
};

/** The options of REQUIRED_FIELDS that were not given. */
export const missingOptions = (input: SubmitInput): string[] =>
  REQUIRED_FIELDS.filter(({ field }) => input[field] === undefined).map(({ flag }) => flag);

const KEY_LENGTHS: Readonly<Record<string, readonly string[]>> = { rsa: ['2048', '3072', '4096'], ec: ['256', '384'] };

const checkDnsName = (name: string): string | undefined => {
  try {
    PROFILES.server.checkCommonName(name);
    return undefined;
  } catch (error) {
    if (isPkiError(error)) {
      return error.message;
    }
    throw error;
  }
};

/**
 * The original client's form, in a terminal: the read-only fields first (organization, country,
 * OU, usages, and the CN but for a server), then a question for each field the options did not
 * give; the key length offers 2048 (256 for EC) by default. Options given are not asked again.
 */
export async function askMissingFields(
  ctx: Context,
  config: ClientConfig,
  kind: OwnKind,
  input: SubmitInput,
  device: DeviceInfo,
): Promise<SubmitFields> {
  const keyType = (input.keyType ?? 'rsa').toLowerCase();
  const profile = PROFILES[kind];
  const keyUsage = profile.keyUsage({ algorithm: keyType === 'ec' ? 'EC' : 'RSA' } as Parameters<
    typeof profile.keyUsage
  >[0]);
  const readOnly: [string, string][] = [
    ['Environment', config.environment],
    ['Organization (O)', `${config.organization.code} (${config.organization.name})`],
    ['Country (C)', config.organization.country],
    ['Organizational unit (OU)', profile.organizationalUnit ?? kind],
    ['Key usage', keyUsage.join(', ')],
    ['Extended key usage', profile.extendedKeyUsage.join(', ')],
  ];
  if (kind !== 'server') {
    readOnly.push([
      'Common name (CN)',
      kind === 'mobile' && input.cn !== undefined ? input.cn : deviceFingerprint(device),
    ]);
  }
  ctx.out.text(`New ${kind} certificate request (Enter keeps the value in brackets)\n${renderFields(readOnly)}\n`);
  const prompter = ctx.prompter();
  try {
    const given = (field: Asked): string | undefined => input[field];
    const ask = async (field: Asked, check?: (answer: string) => string | undefined): Promise<string> =>
      given(field) ??
      prompter.ask(REQUIRED_FIELDS.find((f) => f.field === field)?.label ?? field, check ? { check } : {});
    const cn =
      kind === 'server' && input.cn === undefined
        ? await prompter.ask('Common name (CN): the DNS name of this server', {
            default: device.fqdn,
            check: checkDnsName,
          })
        : input.cn;
    const locality = await ask('locality');
    const state = await ask('state');
    const email = await ask('email', (answer) => (isEmail(answer) ? undefined : 'an e-mail address is expected'));
    const lengths = KEY_LENGTHS[keyType] ?? [];
    const keyLength =
      input.keyLength ??
      (await prompter.ask(`Key length (${lengths.join(', ')})`, {
        default: lengths[0] ?? '',
        check: (answer) => (lengths.includes(answer) ? undefined : `one of ${lengths.join(', ')}`),
      }));
    const phone = await ask('phone');
    const description = await ask('description');
    return { cn, locality, state, email, keyType, keyLength, phone, description };
  } finally {
    prompter.close();
  }
}

/** The fields from the options alone: what a script gives. A missing one is a usage error naming them all. */
export function fieldsFromOptions(input: SubmitInput): SubmitFields {
  const missing = missingOptions(input);
  if (missing.length > 0) {
    throw new UsageError(
      'OPTIONS_MISSING',
      `Missing required option${missing.length === 1 ? '' : 's'}: ${missing.join(', ')} (in a terminal, enroll submit asks for them).`,
    );
  }
  return {
    cn: input.cn,
    locality: input.locality ?? '',
    state: input.state ?? '',
    email: input.email ?? '',
    keyType: input.keyType ?? 'rsa',
    keyLength: input.keyLength,
    phone: input.phone ?? '',
    description: input.description ?? '',
  };
}

/**
 * The service's subject (RFC 4514, e-mail as a dotted OID and DER hex) in the Windows style that
 * the rest of the client and the guide show, so that a person can read it; as sent when unreadable.
 */
function readableSubject(rfc4514: string): string {
  try {
    return toWindowsStyle(parseRfc4514(rfc4514));
  } catch (error) {
    if (isPkiError(error)) {
      return rfc4514;
    }
    throw error;
  }
}

/** A dry run's answer as the form's preview: the exact subject and usages, before anything is sent. */
export function renderPreview(preview: Preview): string {
  const names = preview.subjectAltNames.map((name) => `${name.type.toUpperCase()}:${name.value}`);
  const fields: [string, string][] = [
    ['Subject', readableSubject(preview.subject)],
    ['Key usage', preview.keyUsage.join(', ')],
    ['Extended key usage', preview.extendedKeyUsage.join(', ')],
    ['Subject alternative names', names.length > 0 ? names.join(', ') : 'none'],
    ['Validity', `${preview.validityDays} days from approval`],
    ['Enrollment type', preview.enrollmentType],
  ];
  if (preview.cancels.length > 0) {
    fields.push([
      'Replaces',
      `your open request${preview.cancels.length === 1 ? '' : 's'} Id ${preview.cancels.join(', ')} (it will be cancelled)`,
    ]);
  }
  fields.push([
    'Verdict',
    preview.verdict === 'Rejected'
      ? `Rejected: ${preview.rejectionReason ?? 'no reason given'}`
      : 'accepted, then Pending until an approver decides',
  ]);
  return renderFields(fields);
}
