import { rm } from 'node:fs/promises';
import { parseClientConfig } from '../client-config';
import { checkCaChain, checkChainAnchor, saveCaChain, saveConfig, type ChainEntry } from '../config-store';
import type { Context } from '../context';
import { CliError, errorMessage, EXIT, UsageError, type ExitCode } from '../errors';
import { readTextIfExists } from '../fs-util';
import { storeFolder, userPath } from '../paths';
import { renderFields } from '../table';

export interface InitOptions {
  readonly force?: boolean;
}

const packageIdOf = (text: string): string | undefined => {
  try {
    const id = (JSON.parse(text) as { packageId?: unknown }).packageId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    // A damaged client.json is replaced without ceremony: it is ours, not the user's.
    return undefined;
  }
};

/** `enroll init <package file>`: validates the package and loads it into the client folder. */
export async function initCommand(ctx: Context, file: string, options: InitOptions): Promise<ExitCode> {
  const source = userPath(ctx.cwd, file);
  const text = await readTextIfExists(source).catch((error: unknown) => {
    throw new UsageError('PACKAGE_UNREADABLE', `${source} cannot be read: ${errorMessage(error)}.`);
  });
  if (text === undefined) {
    throw new UsageError(
      'PACKAGE_NOT_FOUND',
      `${source} does not exist: give the path of the package file exported by the portal.`,
    );
  }
  const config = parseClientConfig(text, source);
  const previous = await readTextIfExists(ctx.paths.configFile);
  const previousId = previous === undefined ? undefined : packageIdOf(previous);
  if (previousId !== undefined && previousId !== config.packageId && options.force !== true) {
    throw new UsageError(
      'PACKAGE_ALREADY_LOADED',
      `Another enrollment package (${previousId}) is loaded in ${ctx.paths.home}: add --force to replace it (its requests stay in the folder).`,
    );
  }
  if (previousId !== config.packageId) {
    // The old package's CA chain is not a trust anchor for the new one.
    await rm(ctx.paths.caChainFile, { force: true });
  }
  await saveConfig(ctx.paths, config);
  await ctx.log(
    'package-loaded',
    `Loaded package ${config.packageId} (${config.organization.code}, ${config.environment}, ${config.store} store) from ${source}.`,
  );

  let chain: ChainEntry[] | undefined;
  let chainProblem: string | undefined;
  ctx.out.progress(`Fetching the CA chain from ${config.urls.caChain}`);
  try {
    const pem = await ctx.api(config).fetchCaChain();
    chain = checkCaChain(pem, config.urls.caChain);
    checkChainAnchor(pem, config.urls.caChain, config.caFingerprint);
    await saveCaChain(ctx.paths, pem);
    await ctx.log('ca-chain-saved', `Saved the CA chain (${chain.length} certificates) from ${config.urls.caChain}.`);
  } catch (error) {
    // Unreachable or refused: fetched again on first use. A chain that is not the package's root's is never accepted.
    if (!(error instanceof CliError) || error.code === 'CA_FINGERPRINT_MISMATCH' || error.code === 'CA_CHAIN_INVALID') {
      throw error;
    }
    chainProblem = error.message;
    ctx.out.warn(`${error.message} The CA chain will be fetched again on first use.`);
    await ctx.log('ca-chain-failed', error.message);
  }

  ctx.out.result({
    loaded: true,
    packageId: config.packageId,
    organization: config.organization,
    environment: config.environment,
    store: config.store,
    storeFolder: storeFolder(ctx.paths, config.store),
    kinds: config.kinds,
    clientFolder: ctx.paths.home,
    caChain: chain ?? null,
    ...(chainProblem === undefined ? {} : { caChainProblem: chainProblem }),
  });
  ctx.out.text(`The enrollment package has been loaded into ${ctx.paths.home}.`);
  ctx.out.text(
    renderFields([
      ['Organization', `${config.organization.code} (${config.organization.name}), ${config.organization.country}`],
      ['Environment', config.environment],
      ['Certificate store', `${config.store}: ${storeFolder(ctx.paths, config.store)}`],
      ['Request kinds', config.kinds.join(', ')],
    ]),
  );
  if (chain && config.caFingerprint !== undefined) {
    ctx.out.text('CA chain saved: its root is the one the package file names.');
    ctx.out.text(renderFields(chain.map((entry) => [`  ${entry.subject}`, `SHA-256 ${entry.sha256}`])));
  } else if (chain) {
    ctx.out.text('CA chain saved; compare these fingerprints with the ones your administrator gave you:');
    ctx.out.text(renderFields(chain.map((entry) => [`  ${entry.subject}`, `SHA-256 ${entry.sha256}`])));
  }
  ctx.out.text(`The package file holds a secret token: delete ${source} once it is loaded.`);
  return EXIT.ok;
}
