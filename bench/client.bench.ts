/**
 * npm run bench:client: wall time of `enroll submit` (process start, device details, key
 * generation, CSR, submission) for RSA-2048 and EC P-256, against the API on PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, databaseUrl, dropDatabase, percentile, recreateDatabase, ROOT, startApi } from './support';

const DB = 'enroll_bench_client';
const PORT = Number(process.env.BENCH_PORT ?? 3196);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'enroll-bench-client-'));
  await recreateDatabase(DB);
  const api = await startApi(
    { DATABASE_URL: databaseUrl(DB), ENROLL_ADMIN_PASSWORD: 'bench admin password', ENROLL_CA_PASSPHRASE: 'bench ca passphrase', ENROLL_CA_KEY_ALGORITHM: 'EC-P256',
      ENROLL_DATA_DIR: join(dir, 'data'), ENROLL_MTLS_PORT: String(PORT + 1), ENROLL_PUBLIC_URL: `http://127.0.0.1:${PORT}` },
    PORT,
  );
  try {
    const login = await call(PORT, 'POST', '/api/v1/auth/login', {}, { username: 'admin', password: 'bench admin password' });
    const admin = { authorization: `Bearer ${(JSON.parse(login.body) as { accessToken: string }).accessToken}` };
    await call(PORT, 'POST', '/api/v1/organizations', admin, { code: 'BENCH', name: 'Bench', country: 'FR' });
    const created = await call(PORT, 'POST', '/api/v1/packages', admin, { organizationCode: 'BENCH', environment: 'Production', store: 'machine', kinds: ['workstation', 'server'] });
    writeFileSync(join(dir, 'package.json'), JSON.stringify((JSON.parse(created.body) as { clientConfig: unknown }).clientConfig));
    const env = { ...process.env, ENROLL_HOME: join(dir, 'client') };
    const enroll = (args: string[]): number => spawnSync(process.execPath, [join(ROOT, 'apps/client/dist/main.js'), ...args], { env, stdio: 'ignore' }).status ?? -1;
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
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await dropDatabase(DB);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
