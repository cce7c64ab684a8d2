import { X509Certificate } from 'node:crypto';
import type { DeviceCertificateProblemCode } from '@enroll/contract';
import { readProblem, readTestAnswer } from '../api-model';
import { localCertificateCheck, type LocalCheck } from '../certificate-checks';
import { ensureCaChain } from '../config-store';
import type { Context } from '../context';
import { EXIT, OperationError, type ApiProblem, type ExitCode } from '../errors';
import { findInstalled } from '../installed-certificate';
import { classifyTlsFailure, mtlsRequest, MtlsTransportError, type TlsFailureKind } from '../mtls-client';

export interface TestOptions {
  readonly request?: number;
}

/** Every way `enroll test` can end, named for scripts (--json `check`). */
export type TestCheck = 'ok' | 'none-installed' | Exclude<LocalCheck, 'ok'> | TlsFailureKind;

function parseJson(body: string, url: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new OperationError('UNEXPECTED_RESPONSE', `The test service at ${url} did not answer with JSON.`);
  }
}

// Every code of the contract has its check (a new code fails to compile here); the service's
// CERTIFICATE_REQUIRED and UNKNOWN_CERTIFICATE have no local counterpart: a plain refusal.
const CHECK_OF_CODE: Readonly<Record<DeviceCertificateProblemCode, TestCheck>> = {
  CERTIFICATE_REQUIRED: 'refused',
  UNKNOWN_ISSUER: 'unknown-issuer',
  CERTIFICATE_NOT_YET_VALID: 'not-yet-valid',
  CERTIFICATE_EXPIRED: 'expired',
  UNKNOWN_CERTIFICATE: 'refused',
  CERTIFICATE_REVOKED: 'revoked',
};

const isDeviceCertificateCode = (code: string | undefined): code is DeviceCertificateProblemCode =>
  code !== undefined && Object.hasOwn(CHECK_OF_CODE, code);

/**
 * Which check a refusal of the test service names, by its stable `code` (docs/api.md, "Device
 * endpoints (mTLS port)"): the detail is for people and may change wording any day. A code this
 * client does not know is a plain refusal.
 */
export function checkFromProblem(problem: ApiProblem): TestCheck {
  return isDeviceCertificateCode(problem.code) ? CHECK_OF_CODE[problem.code] : 'refused';
}

const localMessage = (
  check: Exclude<LocalCheck, 'ok'>,
  id: number,
  folder: string,
  caFile: string,
  notBefore: string,
  notAfter: string,
): string => {
  switch (check) {
    case 'key-mismatch':
      return `The installed key and certificate do not match (request Id ${id}, ${folder}): run \`enroll get\` to install it again, or submit a new request.`;
    case 'not-yet-valid':
      return `The installed certificate (request Id ${id}) is not valid before ${notBefore}: check this device's clock.`;
    case 'expired':
      return `The installed certificate (request Id ${id}) expired on ${notAfter}: submit a new request.`;
    case 'unknown-issuer':
      return `The installed certificate (request Id ${id}) is not issued by the CA chain in ${caFile}: it cannot be trusted by the service.`;
  }
};

/**
 * `enroll test`: checks locally what can be checked (installed, key matches, dates, issuer), then
 * calls the test service over mutual TLS and reports its verdict. Exit 0 only on success.
 */
export async function testCommand(ctx: Context, options: TestOptions): Promise<ExitCode> {
  const config = await ctx.config();
  const report = async (
    check: TestCheck,
    message: string,
    exitCode: ExitCode,
    requestId?: number,
    extra: object = {},
  ): Promise<ExitCode> => {
    await ctx.log(check === 'ok' ? 'test-passed' : `test-failed:${check}`, message, requestId);
    ctx.out.result({ ok: check === 'ok', check, message, ...(requestId === undefined ? {} : { requestId }), ...extra });
    ctx.out.text(check === 'ok' ? message : `Test failed (${check}): ${message}`);
    return exitCode;
  };

  const installed = await findInstalled(ctx, config, options.request, { revokedToo: true });
  if ('missing' in installed) {
    return report('none-installed', installed.reason, EXIT.failed, options.request);
  }
  const id = installed.record.id;
  const caChain = await ensureCaChain(
    ctx.paths,
    () => ctx.api(config).fetchCaChain(),
    config.caFingerprint,
    config.urls.caChain,
  );
  const local = localCertificateCheck({
    certificatePem: installed.certificatePem,
    keyPem: installed.keyPem,
    caChainPem: caChain,
    now: ctx.now(),
  });
  if (local !== 'ok') {
    const certificate = new X509Certificate(installed.certificatePem);
    const message = localMessage(
      local,
      id,
      installed.files.folder,
      ctx.paths.caChainFile,
      new Date(certificate.validFrom).toISOString(),
      new Date(certificate.validTo).toISOString(),
    );
    return report(local, message, EXIT.failed, id);
  }

  ctx.out.progress(
    `Calling the test service at ${config.urls.test} over mutual TLS with the certificate of request Id ${id}`,
  );
  let response;
  try {
    response = await mtlsRequest(
      config.urls.test,
      'GET',
      { cert: installed.fullchainPem, key: installed.keyPem, ca: caChain },
      undefined,
      ctx.timeoutMs,
    );
  } catch (error) {
    if (!(error instanceof MtlsTransportError)) {
      throw error;
    }
    const failure = classifyTlsFailure(error, config.urls.test, ctx.timeoutMs);
    return report(failure.kind, failure.reason, failure.kind === 'unreachable' ? EXIT.network : EXIT.failed, id);
  }
  if (response.status >= 200 && response.status < 300) {
    const answer = readTestAnswer(parseJson(response.body, config.urls.test), config.urls.test);
    return report('ok', answer.message, EXIT.ok, id, {
      subject: answer.subject,
      serialNumber: answer.serialNumber,
      notAfter: answer.notAfter,
    });
  }
  const problem = readProblem(response.status, '', response.body);
  const what = problem.detail ?? problem.title ?? `HTTP ${response.status}`;
  return report(
    checkFromProblem(problem),
    `The test service refused the certificate of request Id ${id} (${response.status}${problem.code ? ` ${problem.code}` : ''}): ${what}`,
    EXIT.failed,
    id,
    { status: response.status, ...(problem.code ? { code: problem.code } : {}) },
  );
}
