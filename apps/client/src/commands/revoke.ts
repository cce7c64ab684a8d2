import type { ApiRevocationReason } from '@enroll/domain';
import { readProblem } from '../api-model';
import type { Context } from '../context';
import { ApiError, describeNetworkFailure, EXIT, NetworkError, OperationError, type ExitCode } from '../errors';
import { ensureCaChain } from '../config-store';
import { findInstalled } from '../installed-certificate';
import { classifyTlsFailure, mtlsRequest, MtlsTransportError } from '../mtls-client';
import { saveRecord } from '../request-records';

export interface RevokeOptions {
  readonly reason: ApiRevocationReason;
  readonly request?: number;
}

/**
 * `enroll revoke --reason <reason>`: revokes this device's certificate over mutual TLS. Presenting
 * the certificate and its key is the proof of possession: no token, no manager.
 */
export async function revokeCommand(ctx: Context, options: RevokeOptions): Promise<ExitCode> {
  const config = await ctx.config();
  const installed = await findInstalled(ctx, config, options.request);
  if ('missing' in installed) {
    throw new OperationError('NOT_INSTALLED', installed.reason);
  }
  const id = installed.record.id;
  const caChain = await ensureCaChain(
    ctx.paths,
    () => ctx.api(config).fetchCaChain(),
    config.caFingerprint,
    config.urls.caChain,
  );
  const url = config.urls.revoke;
  ctx.out.progress(`Revoking the certificate of request Id ${id} at ${url} over mutual TLS`);
  let response;
  try {
    response = await mtlsRequest(
      url,
      'POST',
      { cert: installed.fullchainPem, key: installed.keyPem, ca: caChain },
      { reason: options.reason },
      ctx.timeoutMs,
    );
  } catch (error) {
    if (!(error instanceof MtlsTransportError)) {
      throw error;
    }
    const failure = classifyTlsFailure(error, url, ctx.timeoutMs);
    if (failure.kind === 'unreachable') {
      throw new NetworkError(url, describeNetworkFailure(error.original, ctx.timeoutMs));
    }
    throw new OperationError(`TLS_${failure.kind.toUpperCase().replace(/-/g, '_')}`, failure.reason);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new ApiError(url, readProblem(response.status, '', response.body));
  }
  const at = ctx.now().toISOString();
  await saveRecord(ctx.paths, { ...installed.record, revoked: { at, reason: options.reason } });
  await ctx.log(
    'revoked',
    `Revoked the certificate of request Id ${id} (serial ${installed.record.installed?.serialNumber ?? '?'}), reason ${options.reason}.`,
    id,
  );
  ctx.out.result({
    revoked: true,
    requestId: id,
    serialNumber: installed.record.installed?.serialNumber ?? null,
    reason: options.reason,
  });
  ctx.out.text(`The certificate of request Id ${id} has been revoked (reason: ${options.reason}).`);
  return EXIT.ok;
}
