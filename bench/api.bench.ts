/**
 * npm run bench:api: the full enrollment cycle (submit a fresh RSA-2048 CSR, approve it) per
 * second against the API on a real PostgreSQL, then the p95 latency of a filtered queue page
 * with 1,000,000 requests in the table. Prints figures; asserts nothing.
 */
import { buildCsr, generatePrivateKey, OID } from '@enroll/pki';
import { Client } from 'pg';
import { benchTenant, call, databaseUrl, percentile, runBench, withApi } from './support';

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
      buildCsr({ privateKey: keys[i % keys.length] ?? keys[0]!, subject: [{ oid: OID.commonName, value: (0xa0000000 + i).toString(16).toUpperCase().padStart(16, '0') }] }),
    );

    let next = 0;
    let cycles = 0;
    let failures = 0;
    const end = Date.now() + SECONDS * 1000;
    const worker = async (): Promise<void> => {
      while (Date.now() < end && next < csrs.length) {
        const csr = csrs[next++];
        const submitted = await call(PORT, 'POST', '/api/v1/enrollment/requests', pkg, { kind: 'workstation', csr, requestedBy: 'BENCH\\load' });
        const id = (JSON.parse(submitted.body) as { id: number }).id;
        const approved = await call(PORT, 'POST', `/api/v1/requests/${id}/approve`, admin, {});
        if (submitted.status === 201 && approved.status === 200) {
          cycles++;
        } else {
          failures++;
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const cyclePerSecond = cycles / ((Date.now() - started) / 1000);
    console.log(`cycle (submit + approve, RSA-2048 CSR and issuing key, ${CONCURRENCY} in flight): ${cyclePerSecond.toFixed(0)}/s over ${cycles} cycles, ${failures} failures`);

    // One million requests across 20 organizations, straight into the table.
    const db = new Client({ connectionString: databaseUrl(DB) });
    await db.connect();
    const loadStart = Date.now();
    await db.query(`INSERT INTO organizations (code, name, country) SELECT 'ORG' || g, 'Organization ' || g, 'FR' FROM generate_series(1, 19) g`);
    await db.query(`INSERT INTO enrollment_packages (organization_id, environment, store, kinds, token_hash)
                    SELECT id, 'Production', 'machine', ARRAY['workstation','server','mobile','external']::varchar(16)[], sha256(id::text::bytea) FROM organizations WHERE code <> 'BENCH'`);
    const template = await db.query<{ csr_der: Buffer; spki_sha256: Buffer; public_key: unknown }>(`SELECT csr_der, spki_sha256, public_key FROM requests LIMIT 1`);
    const sample = template.rows[0];
    await db.query(
      `WITH p AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(organization_id ORDER BY id) AS orgs FROM enrollment_packages)
       INSERT INTO requests (organization_id, package_id, kind, status, enrollment_type, common_name, subject, csr_der, spki_sha256, public_key, requested_extensions,
                            requested_by, submitted_at, updated_at)
       SELECT p.orgs[1 + g % 20], p.ids[1 + g % 20], (ARRAY['workstation','server','mobile','external'])[1 + g % 4],
              (ARRAY['Pending','Approved','Installed','Rejected','Cancelled','Revoked','Installed','Installed'])[1 + (g / 7) % 8],
              'Machine', 'host-' || g || '.example.org', 'CN=host-' || g, $1, $2, $3, '{"oids":[]}', 'DOMAIN\\user' || (g % 5000),
              now() - make_interval(secs => $4 - g), now()
         FROM p, generate_series(1, $4) g`,
      [sample?.csr_der, sample?.spki_sha256, sample?.public_key, ROWS],
    );
    await db.query('ANALYZE');
    const [{ count } = { count: 0 }] = (await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM requests`)).rows;
    console.log(`loaded ${count} requests in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);
    await db.end();

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
    console.log(`queue page (100 rows, filtered, admin): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    console.log(`api-bench: cycle_per_s=${cyclePerSecond.toFixed(0)} queue_p95_ms=${p95.toFixed(1)} rows=${count}`);
  });
}

runBench(main);
