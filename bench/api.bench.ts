/**
 * npm run bench:api: the full enrollment cycle (submit a fresh RSA-2048 CSR, approve it) per
 * second against the API on a real PostgreSQL, then the p95 latency of a filtered queue page
 * with 1,000,000 requests in the table. Prints figures; asserts nothing.
 */
import { buildCsr, generatePrivateKey, OID } from '@enroll/pki';
import { benchTenant, call, loadRequests, percentile, runBench, withApi } from './support';

const DB = 'enroll_bench';
const PORT = Number(process.env.BENCH_PORT ?? 3190);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

async function main(): Promise<void> {
  await withApi(DB, PORT, { ENROLL_CA_KEY_ALGORITHM: 'RSA-2048' }, async () => {
    const { admin, pkg } = await benchTenant(PORT, ['workstation']);

    // Fresh CSRs (a new CN and signature each) made before the clock starts, from a pool of RSA-2048 keys.
    const keys = await Promise.all(Array.from({ length: 32 }, () => generatePrivateKey('RSA-2048')));
    const needed = Math.ceil(SECONDS * 2000);
    const csrs = Array.from({ length: needed }, (_, i) =>
      buildCsr({
        privateKey: keys[i % keys.length] ?? keys[0]!,
        subject: [{ oid: OID.commonName, value: (0xa0000000 + i).toString(16).toUpperCase().padStart(16, '0') }],
      }),
    );

    // Submit + approve as fast as CONCURRENCY clients can, for SECONDS. The CSRs' subjects are
    // approved by the end of a run, so a second run can submit them again.
    const cycles = async (): Promise<{ perSecond: number; done: number; failures: number }> => {
      let next = 0;
      let done = 0;
      let failures = 0;
      const end = Date.now() + SECONDS * 1000;
      const worker = async (): Promise<void> => {
        while (Date.now() < end && next < csrs.length) {
          const csr = csrs[next++];
          const submitted = await call(PORT, 'POST', '/api/v1/enrollment/requests', pkg, {
            kind: 'workstation',
            csr,
            requestedBy: 'BENCH\\load',
          });
          const id = (JSON.parse(submitted.body) as { id: number }).id;
          const approved = await call(PORT, 'POST', `/api/v1/requests/${id}/approve`, admin, {});
          if (submitted.status === 201 && approved.status === 200) {
            done++;
          } else {
            failures++;
          }
        }
      };
      const started = Date.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      return { perSecond: done / ((Date.now() - started) / 1000), done, failures };
    };
    const first = await cycles();
    const cyclePerSecond = first.perSecond;
    console.log(
      `cycle (submit + approve, RSA-2048 CSR and issuing key, ${CONCURRENCY} in flight): ${cyclePerSecond.toFixed(0)}/s over ${first.done} cycles, ${first.failures} failures`,
    );

    const count = await loadRequests(DB, ROWS);
    // The same cycle with the table full: its statements must not slow down with the table's size.
    const loaded = await cycles();
    console.log(
      `cycle with ${count} requests in the table: ${loaded.perSecond.toFixed(0)}/s over ${loaded.done} cycles, ${loaded.failures} failures`,
    );

    // The filters managers use: status, kind, organization, in any mix, and a search for one device or person.
    const paths = [
      '/api/v1/requests?status=Pending&kind=server&organizationCode=ORG7&limit=100',
      '/api/v1/requests?status=Pending&limit=100',
      '/api/v1/requests?organizationCode=ORG3&status=Pending&limit=100',
      '/api/v1/requests?kind=mobile&status=Installed&limit=100',
      '/api/v1/requests?organizationCode=ORG3&kind=server&limit=100',
      '/api/v1/requests?organizationCode=ORG5&q=host-12345&limit=100',
      '/api/v1/requests?q=DOMAIN%5Cuser42&limit=100',
    ];
    for (const path of paths) {
      await call(PORT, 'GET', path, admin);
    }
    const latencies: number[] = [];
    for (let i = 0; i < 400; i++) {
      const path = paths[i % paths.length] ?? '';
      const t0 = performance.now();
      const reply = await call(PORT, 'GET', path, admin);
      latencies.push(performance.now() - t0);
      if (reply.status !== 200) {
        throw new Error(`queue page answered ${reply.status}: ${reply.body}`);
      }
    }
    const p95 = percentile(latencies, 95);
    console.log(
      `queue page (100 rows, filtered, admin): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    // Counts at a glance, over the whole table (administrator): read from the status counters.
    const countTimes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const reply = await call(PORT, 'GET', '/api/v1/requests/counts', admin);
      countTimes.push(performance.now() - t0);
      if (reply.status !== 200) {
        throw new Error(`counts answered ${reply.status}: ${reply.body}`);
      }
    }
    console.log(
      `counts per status (administrator, ${count} requests): p50 ${percentile(countTimes, 50).toFixed(1)} ms, p95 ${percentile(countTimes, 95).toFixed(1)} ms`,
    );
    console.log(`api-bench: cycle_per_s=${cyclePerSecond.toFixed(0)} queue_p95_ms=${p95.toFixed(1)} rows=${count}`);
  });
}

runBench(main);
