/**
 * npm run bench:client: wall time of `enroll submit` (process start, device details, key
 * generation, CSR, submission) for RSA-2048 and EC P-256, against the API on PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTenant, percentile, ROOT, runBench, withApi } from './support';

const DB = 'enroll_bench_client';
const PORT = Number(process.env.BENCH_PORT ?? 3196);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'enroll-bench-client-'));
  const env = { ENROLL_CA_KEY_ALGORITHM: 'EC-P256', ENROLL_MTLS_PORT: String(PORT + 1), ENROLL_PUBLIC_URL: `http://127.0.0.1:${PORT}` };
  await withApi(DB, PORT, env, async () => {
    const { clientConfig } = await benchTenant(PORT, ['workstation', 'server']);
    writeFileSync(join(dir, 'package.json'), JSON.stringify(clientConfig));
    const clientEnv = { ...process.env, ENROLL_HOME: join(dir, 'client') };
    const enroll = (args: string[]): number => spawnSync(process.execPath, [join(ROOT, 'apps/client/dist/main.js'), ...args], { env: clientEnv, stdio: 'ignore' }).status ?? -1;
    if (enroll(['init', join(dir, 'package.json')]) !== 0) {
      throw new Error('enroll init failed');
    }
    const details = ['--locality', 'Paris', '--state', 'IDF', '--email', 'a@example.org', '--phone', '1', '--description', 'bench'];
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
    console.log(`enroll submit, RSA-2048: median ${percentile(rsa, 50).toFixed(0)} ms, p90 ${percentile(rsa, 90).toFixed(0)} ms (${RUNS} runs, whole process)`);
    console.log(`enroll submit, EC P-256: median ${percentile(ec, 50).toFixed(0)} ms, p90 ${percentile(ec, 90).toFixed(0)} ms`);
    console.log(`client-bench: submit_rsa2048_ms=${percentile(rsa, 50).toFixed(0)} submit_p256_ms=${percentile(ec, 50).toFixed(0)}`);
  });
  rmSync(dir, { recursive: true, force: true });
}

runBench(main);
