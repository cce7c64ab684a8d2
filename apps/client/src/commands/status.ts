import type { Context } from '../context';
import { EXIT, type ExitCode } from '../errors';
import { renderStatusTable } from '../request-view';
import { readRecords } from '../request-records';

export interface StatusOptions {
  readonly all?: boolean;
  readonly requestedBy?: string;
}

/** `enroll status`: this requester's requests (or the whole package's with --all), newest first. */
export async function statusCommand(ctx: Context, options: StatusOptions): Promise<ExitCode> {
  const config = await ctx.config();
  const requester = options.all === true ? undefined : ctx.requester(options.requestedBy);
  ctx.out.progress(`Fetching the requests from ${config.urls.request}`);
  const requests = await ctx.api(config).listRequests(requester);
  await ctx.log('listed', `Listed ${requests.length} requests${requester === undefined ? '' : ` of ${requester}`}.`);
  // Expiry is known for the certificates installed here (the request list does not carry it).
  const expiries = new Map<number, string>();
  for (const record of (await readRecords(ctx.paths, config.packageId)).values()) {
    if (record.installed) {
      expiries.set(record.id, record.installed.notAfter);
    }
  }
  ctx.out.result({
    requestedBy: requester ?? null,
    requests: requests.map((r) => ({ ...r, expiresAt: expiries.get(r.id) ?? null })),
  });
  ctx.out.text(renderStatusTable(requests, expiries, ctx.columns));
  return EXIT.ok;
}
