import { checkCaChain, loadCaChain } from '../config-store';
import type { Context } from '../context';
import { EXIT, type ExitCode } from '../errors';
import { externalFolder, storeFolder } from '../paths';
import { renderFields } from '../table';

export interface InfoOptions {
  readonly requestedBy?: string;
}

/** `enroll info`: the package's environment, store and service URLs. The token is never shown. */
export async function infoCommand(ctx: Context, options: InfoOptions): Promise<ExitCode> {
  const config = await ctx.config();
  const chainPem = await loadCaChain(ctx.paths);
  const chain = chainPem === undefined ? undefined : checkCaChain(chainPem, ctx.paths.caChainFile);
  const store = storeFolder(ctx.paths, config.store);
  const requester = ctx.requester(options.requestedBy);
  ctx.out.result({
    clientFolder: ctx.paths.home,
    packageId: config.packageId,
    organization: config.organization,
    environment: config.environment,
    store: config.store,
    storeFolder: store,
    externalFolder: externalFolder(ctx.paths, config.environment),
    kinds: config.kinds,
    requestedBy: requester,
    urls: config.urls,
    caChain: chain ?? null,
  });
  ctx.out.text(
    renderFields([
      ['Client folder', ctx.paths.home],
      ['Package', config.packageId],
      ['Organization', `${config.organization.code} (${config.organization.name}), ${config.organization.country}`],
      ['Environment', config.environment],
      ['Certificate store', `${config.store}: ${store}`],
      ['External certificates', externalFolder(ctx.paths, config.environment)],
      ['Request kinds', config.kinds.join(', ')],
      ['Requested by', requester],
      ['', ''],
      ['Service URLs', ''],
      ['  API', config.urls.api],
      ['  Request', config.urls.request],
      ['  Revoke', config.urls.revoke],
      ['  Test', config.urls.test],
      ['  CA chain', config.urls.caChain],
      ['', ''],
      [
        'CA chain',
        chain ? `${ctx.paths.caChainFile} (${chain.length} certificates)` : 'not fetched yet (fetched on first use)',
      ],
      ...(chain ?? []).map((entry): [string, string] => [`  ${entry.subject}`, `SHA-256 ${entry.sha256}`]),
    ]),
  );
  return EXIT.ok;
}
