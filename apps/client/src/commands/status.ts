import type { Context } from '../context';
import { EXIT, type ExitCode } from '../errors';
import { renderStatusTable } from '../request-view';

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
  ctx.out.result({ requestedBy: requester ?? null, requests });
  ctx.out.text(renderStatusTable(requests));
  return EXIT.ok;
}
