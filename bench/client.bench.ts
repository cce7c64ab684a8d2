/**
 * npm run bench:client: wall time of `enroll submit` (process start, device details, key
 * generation, CSR, submission) for RSA-2048 and EC P-256, and of `enroll renew` (process start,
 * new key, CSR, renewal over mutual TLS, install at `current`, confirmation), against the API on
 * PostgreSQL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTenant, call, percentile, ROOT, runBench, withApi, type BenchTenant } from './support';

const DB = 'enroll_bench_client';
const PORT = Number(process.env.BENCH_PORT ?? 3196);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'enroll-bench-client-'));
  const env = {
    ENROLL_CA_KEY_ALGORITHM: 'EC-P256',
    ENROLL_MTLS_PORT: String(PORT + 1),
    ENROLL_PUBLIC_URL: `http://127.0.0.1:${PORT}`,
  };
  await withApi(DB, PORT, env, async () => {
    const tenant = await benchTenant(PORT, ['workstation', 'server']);
    const { clientConfig } = tenant;
    writeFileSync(join(dir, 'package.json'), JSON.stringify(clientConfig));
    const clientEnv = {
      ...process.env,
      ENROLL_HOME: join(dir, 'client'),
      ENROLL_MACHINE_STORE: join(dir, 'client', 'machine-store'),
    };
    const enroll = (args: string[]): number =>
      spawnSync(process.execPath, [join(ROOT, 'apps/client/dist/main.js'), ...args], {
        env: clientEnv,
        stdio: 'ignore',
      }).status ?? -1;
    if (enroll(['init', join(dir, 'package.json')]) !== 0) {
      throw new Error('enroll init failed');
    }
    const details = [
      '--locality',
      'Paris',
      '--state',
      'IDF',
      '--email',
      'a@example.org',
      '--phone',
      '1',
      '--description',
      'bench',
    ];
    const time = (keyType: string): number[] =>
      Array.from({ length: RUNS }, () => {
        const t0 = performance.now();
        const status = enroll(['submit', '--key-type', keyType, ...details]);
        if (status !== 0) {
          throw new Error(`enroll submit exited ${status}`);
        }
        return performance.now() - t0;
      });
    const rsa = time('rsa');
    const ec = time('ec');
    const renewRsa = await timeRenew(dir, tenant, 'rsa', details);
    const renewEc = await timeRenew(dir, tenant, 'ec', details);
    console.log(
      `enroll submit, RSA-2048: median ${percentile(rsa, 50).toFixed(0)} ms, p90 ${percentile(rsa, 90).toFixed(0)} ms (${RUNS} runs, whole process)`,
    );
    console.log(
      `enroll submit, EC P-256: median ${percentile(ec, 50).toFixed(0)} ms, p90 ${percentile(ec, 90).toFixed(0)} ms`,
    );
    console.log(
      `enroll renew, RSA-2048: median ${percentile(renewRsa, 50).toFixed(0)} ms, p90 ${percentile(renewRsa, 90).toFixed(0)} ms (${RUNS} runs, whole process, issued at once)`,
    );
    console.log(
      `enroll renew, EC P-256: median ${percentile(renewEc, 50).toFixed(0)} ms, p90 ${percentile(renewEc, 90).toFixed(0)} ms`,
    );
    console.log(
      `client-bench: submit_rsa2048_ms=${percentile(rsa, 50).toFixed(0)} submit_p256_ms=${percentile(ec, 50).toFixed(0)} renew_rsa2048_ms=${percentile(renewRsa, 50).toFixed(0)} renew_p256_ms=${percentile(renewEc, 50).toFixed(0)}`,
    );
  });
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A server certificate installed in its own client folder, then renewed RUNS times in a row: each
 * run renews the one the previous run installed (the package renews automatically).
 */
async function timeRenew(
  dir: string,
  tenant: BenchTenant,
  keyType: 'rsa' | 'ec',
  details: string[],
): Promise<number[]> {
  const home = join(dir, `renew-${keyType}`);
  const env = { ...process.env, ENROLL_HOME: home, ENROLL_MACHINE_STORE: join(home, 'machine-store') };
  // Asynchronous: while a synchronous child runs, the API's idle keep-alive sockets close unseen.
  const enroll = (args: string[]): Promise<{ status: number; stdout: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'apps/client/dist/main.js'), ...args], { env });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ status: code ?? -1, stdout }));
    });
  if ((await enroll(['init', join(dir, 'package.json')])).status !== 0) {
    throw new Error('enroll init failed');
  }
  const submitted = await enroll([
    'submit',
    '--kind',
    'server',
    '--cn',
    `renew-${keyType}.bench.example`,
    '--key-type',
    keyType,
    ...details,
    '--json',
  ]);
  const id = (JSON.parse(submitted.stdout) as { request: { id: number } }).request.id;
  await call(PORT, 'POST', `/api/v1/requests/${id}/approve`, tenant.admin, {});
  // 4: installed, and the submit runs' cancellations said for the first time (something to act on).
  const got = (await enroll(['get'])).status;
  if (got !== 0 && got !== 4) {
    throw new Error(`enroll get exited ${got}`);
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const { status } = await enroll(['renew']);
    if (status !== 0) {
      throw new Error(`enroll renew exited ${status}`);
    }
    times.push(performance.now() - t0);
  }
  return times;
}

runBench(main);
