/**
 * npm run bench:revocation: OCSP responses per second over HTTP, the time from a revocation to
 * the test service's refusal, and the size of a CRL with 100,000 entries. Prints; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr, generatePrivateKey, OID } from '@enroll/pki';
import { Client } from 'pg';
import { benchTenant, call, databaseUrl, percentile, runBench, withApi } from './support';

const DB = 'enroll_bench_revocation';
const PORT = Number(process.env.BENCH_PORT ?? 3194);
const MTLS_PORT = PORT + 1;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

function rawPost(path: string, body: Buffer): Promise<number> {
  return call(PORT, 'POST', path, { 'content-type': 'application/ocsp-request' }, undefined, body).then(
    (r) => r.status,
  );
}

function mtlsTest(cert: string, key: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: MTLS_PORT,
        path: '/api/v1/enrollment/test',
        cert,
        key,
        ca,
        servername: 'localhost',
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'enroll-bench-rev-'));
  const env = {
    ENROLL_CA_KEY_ALGORITHM: 'RSA-2048',
    ENROLL_MTLS_PORT: String(MTLS_PORT),
    ENROLL_PUBLIC_URL: `http://127.0.0.1:${PORT}`,
  };
  await withApi(DB, PORT, env, async () => {
    const { admin, pkg } = await benchTenant(PORT, ['workstation']);
    const chain = (await call(PORT, 'GET', '/pki/ca.pem')).body;
    writeFileSync(join(dir, 'ca.pem'), chain);
    writeFileSync(join(dir, 'issuing.pem'), chain.split(/(?<=-----END CERTIFICATE-----\n)/)[0] ?? '');

    const enrolled = async (i: number): Promise<{ id: number; cert: string; key: string }> => {
      const privateKey = await generatePrivateKey('EC-P256');
      const csr = buildCsr({
        privateKey,
        subject: [{ oid: OID.commonName, value: `B0B0${i.toString(16).padStart(8, '0').toUpperCase()}` }],
      });
      const { id } = JSON.parse(
        (await call(PORT, 'POST', '/api/v1/enrollment/requests', pkg, { kind: 'workstation', csr, requestedBy: 'x' }))
          .body,
      ) as { id: number };
      await call(PORT, 'POST', `/api/v1/requests/${id}/approve`, admin, {});
      const cert = (await call(PORT, 'GET', `/api/v1/enrollment/requests/${id}/certificate`, pkg)).body;
      return { id, cert, key: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string };
    };

    // OCSP over HTTP: one request made by openssl, answered again and again (a fresh nonce is not what is measured).
    const device = await enrolled(0);
    writeFileSync(join(dir, 'leaf.pem'), device.cert);
    execFileSync('openssl', [
      'ocsp',
      '-issuer',
      join(dir, 'issuing.pem'),
      '-cert',
      join(dir, 'leaf.pem'),
      '-reqout',
      join(dir, 'req.der'),
    ]);
    const ocspRequest = readFileSync(join(dir, 'req.der'));
    for (let i = 0; i < 200; i++) {
      await rawPost('/pki/ocsp', ocspRequest);
    }
    let answered = 0;
    const end = Date.now() + SECONDS * 1000;
    const start = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < end) {
          if ((await rawPost('/pki/ocsp', ocspRequest)) === 200) {
            answered++;
          }
        }
      }),
    );
    const ocspPerSecond = answered / ((Date.now() - start) / 1000);
    console.log(
      `OCSP over HTTP (POST, ${CONCURRENCY} in flight, delegated EC P-256 responder, status read from PostgreSQL): ${ocspPerSecond.toFixed(0)}/s`,
    );

    // From the revoke call to the first refusal at the test service, over 20 devices.
    const delays: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const d = await enrolled(i);
      if ((await mtlsTest(d.cert, d.key, chain)) !== 200) {
        throw new Error('the test service refused a fresh certificate');
      }
      const t0 = performance.now();
      await call(PORT, 'POST', `/api/v1/requests/${d.id}/revoke`, admin, { reason: 'keyCompromise' });
      while ((await mtlsTest(d.cert, d.key, chain)) === 200) {
        // keep asking until refused
      }
      delays.push(performance.now() - t0);
    }
    const revokeToRefusal = percentile(delays, 95);
    console.log(
      `revoke -> refusal at the test service: p50 ${percentile(delays, 50).toFixed(1)} ms, p95 ${revokeToRefusal.toFixed(1)} ms (new TLS handshake per call)`,
    );

    // A CRL with 100,000 live revocations.
    const db = new Client({ connectionString: databaseUrl(DB) });
    await db.connect();
    await db.query(
      `INSERT INTO certificates (serial, organization_id, profile, issuer_key_id, subject, common_name, not_before, not_after, der, spki_sha256, status)
                    SELECT upper(encode(gen_random_bytes_16(g), 'hex')), NULL, 'workstation', '\\x00', 'CN=x', 'x', now(), now() + interval '1 year', '\\x00', '\\x00', 'revoked'
                      FROM generate_series(1, 100000) g`.replace(
        'gen_random_bytes_16(g)',
        "decode(md5(g::text) || '', 'hex')",
      ),
    );
    await db.query(`INSERT INTO revocations (serial, revoked_at, reason, actor, spki_sha256, not_after)
                    SELECT serial, now(), 'superseded', 'bench', '\\x00', not_after FROM certificates WHERE subject = 'CN=x'`);
    await db.end();
    // The API serves a CRL from memory for up to 5 s: wait that out, so this one is built afresh.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const t0 = performance.now();
    const crl = await call(PORT, 'GET', '/pki/crl', {}, undefined, undefined, true);
    const crlMs = performance.now() - t0;
    console.log(`CRL with ${100_000 + 21} entries: ${crl.bytes} bytes, built and served in ${crlMs.toFixed(0)} ms`);
    console.log(
      `revocation-bench: ocsp_per_s=${ocspPerSecond.toFixed(0)} revoke_to_refusal_ms=${revokeToRefusal.toFixed(0)} crl_bytes_100k=${crl.bytes}`,
    );
  });
  rmSync(dir, { recursive: true, force: true });
}

runBench(main);
