import { readCertificate, toRfc4514, toWindowsStyle } from '@enroll/pki';
import { copyToClipboard } from '../clipboard';
import type { Context } from '../context';
import { EXIT, OperationError, type ExitCode } from '../errors';
import { readTextIfExists } from '../fs-util';
import { findInstalled } from '../installed-certificate';
import { readRecord } from '../request-records';

export interface SubjectOptions {
  readonly format?: 'windows' | 'rfc4514';
  readonly clipboard?: boolean;
}

/** The certificate PEM of a request: installed on this device, or an external one saved here. */
async function certificateOf(ctx: Context, requestId: number | undefined): Promise<{ id: number; pem: string }> {
  const config = await ctx.config();
  const installed = await findInstalled(ctx, config, requestId);
  if (!('missing' in installed)) {
    return { id: installed.record.id, pem: installed.certificatePem };
  }
  if (requestId !== undefined) {
    const record = await readRecord(ctx.paths, config.packageId, requestId);
    const saved = record?.saved ? await readTextIfExists(record.saved.file) : undefined;
    if (saved !== undefined) {
      return { id: requestId, pem: saved };
    }
  }
  throw new OperationError('NOT_INSTALLED', installed.reason);
}

/**
 * `enroll subject [<request id>]`: the subject name in the Windows style that other APIs expect
 * and as RFC 4514; copied to the clipboard when the desktop has one (when not, a warning says
 * why, and the command still succeeds).
 */
export async function subjectCommand(
  ctx: Context,
  requestId: number | undefined,
  options: SubjectOptions,
): Promise<ExitCode> {
  const { id, pem } = await certificateOf(ctx, requestId);
  const certificate = readCertificate(
    pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length),
  );
  const windows = toWindowsStyle(certificate.subject);
  const rfc4514 = toRfc4514(certificate.subject);
  const chosen = options.format === 'rfc4514' ? rfc4514 : windows;
  const clipboard = options.clipboard === false ? undefined : await copyToClipboard(chosen, ctx.env, ctx.platform);
  await ctx.log(
    'subject',
    `Printed the subject of request Id ${id}${clipboard === undefined ? '' : clipboard.copied ? ' (copied to the clipboard)' : ` (not copied to the clipboard: ${clipboard.reason})`}.`,
    id,
  );
  ctx.out.result({
    requestId: id,
    windows,
    rfc4514,
    serialNumber: certificate.serialNumber,
    copiedToClipboard: clipboard?.copied === true,
    ...(clipboard?.copied === false ? { clipboardError: clipboard.reason } : {}),
  });
  switch (options.format) {
    case 'windows':
      ctx.out.text(windows);
      break;
    case 'rfc4514':
      ctx.out.text(rfc4514);
      break;
    case undefined:
      ctx.out.text(`Windows style: ${windows}\nRFC 4514:      ${rfc4514}`);
      break;
  }
  const form = options.format === 'rfc4514' ? 'RFC 4514' : 'Windows style';
  if (clipboard?.copied === true) {
    ctx.out.progress(`Copied to the clipboard (${form})`);
  } else if (clipboard !== undefined) {
    // Said, not failed: the subject is printed above, and a server has no clipboard.
    ctx.out.warn(
      `the subject (${form}) was not copied to the clipboard: ${clipboard.reason}. Copy it from above, or pass --no-clipboard.`,
    );
  }
  return EXIT.ok;
}
