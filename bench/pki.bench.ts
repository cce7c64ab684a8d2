/**
 * npm run bench:pki: issuance, CRL and OCSP throughput of libs/pki, against openssl's own RSA
 * signing speed on the same machine. Prints figures, asserts nothing: targets are in the issue.
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildCrl,
  createCertificateAuthority,
  generatePrivateKey,
  issueCertificate,
  loadCertificateAuthority,
  OcspResponder,
  parseCsr,
  pkiUrls,
  PROFILES,
  readCertificate,
  SoftwareSigner,
  toPem,
  type CertificateStatus,
  type OcspCertId,
} from '@enroll/pki';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const csrPem = readFileSync(join(__dirname, '../libs/pki/test/fixtures/rsa2048.csr'), 'utf8');

async function timed(task: () => Promise<unknown>, concurrency: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await task();
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - start) / 1000);
}

function opensslSignPerSecond(): number {
  const out = execFileSync('openssl', ['speed', '-seconds', String(seconds), 'rsa2048'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const line = out.split('\n').find((l) => /^rsa\s+2048 bits/.test(l));
  const fields = line?.trim().split(/\s+/) ?? [];
  return Number(fields[fields.length - 2]);
}

async function main(): Promise<void> {
  const now = new Date();
  const stored = await createCertificateAuthority({
    passphrase: 'bench passphrase 0123',
    now,
    keyAlgorithm: 'RSA-2048',
  });
  const ca = loadCertificateAuthority(stored, 'bench passphrase 0123');
  const urls = pkiUrls('http://localhost:3000');

  const issue = (): ReturnType<typeof issueCertificate> => {
    const csr = parseCsr(csrPem);
    return issueCertificate({
      profile: PROFILES.server,
      input: { commonName: 'api.example.org', organizationCode: 'J1CFRA', country: 'FR' },
      subjectKey: csr,
      authority: ca.authority,
      urls,
      now,
    });
  };
  await timed(issue, 1); // warm-up
  const issueSequential = await timed(issue, 1);
  const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 8);
  const issueConcurrent = await timed(issue, inFlight);
  const opensslSign = opensslSignPerSecond();

  const entries = Array.from({ length: 100_000 }, (_, i) => ({
    serial: Buffer.from(`${i.toString(16).padStart(8, '0')}${'ab'.repeat(12)}`, 'hex'),
    revokedAt: new Date(now.getTime() - i * 1000),
    reason: i % 3 === 0 ? ('keyCompromise' as const) : ('superseded' as const),
  }));
  await buildCrl({
    authority: ca.authority,
    crlNumber: 1n,
    thisUpdate: now,
    nextUpdate: now,
    entries: entries.slice(0, 1000),
  });
  const crlStart = performance.now();
  const crl = await buildCrl({
    authority: ca.authority,
    crlNumber: 2n,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 86_400_000),
    entries,
  });
  const crlMs = performance.now() - crlStart;

  // The OCSP responder signs with a delegated EC P-256 key that the issuing CA certifies for itself.
  const responderKey = await generatePrivateKey('EC-P256');
  const responderCert = await issueCertificate({
    profile: PROFILES['ocsp-responder'],
    input: { commonName: 'Enroll OCSP Responder' },
    subjectKey: {
      spki: createPublicKey(responderKey).export({ format: 'der', type: 'spki' }),
      publicKey: { algorithm: 'EC', curve: 'P-256' },
    },
    authority: ca.authority,
    urls,
    now,
  });
  const leaf = await issue();
  const dir = mkdtempSync(join(tmpdir(), 'enroll-bench-'));
  writeFileSync(join(dir, 'leaf.pem'), toPem('CERTIFICATE', leaf.der));
  writeFileSync(join(dir, 'issuer.pem'), toPem('CERTIFICATE', ca.issuing.der));
  execFileSync('openssl', [
    'ocsp',
    '-issuer',
    join(dir, 'issuer.pem'),
    '-cert',
    join(dir, 'leaf.pem'),
    '-reqout',
    join(dir, 'req.der'),
  ]);
  const requestDer = readFileSync(join(dir, 'req.der'));
  rmSync(dir, { recursive: true });
  const lookup = (ids: readonly OcspCertId[]): Promise<CertificateStatus[]> =>
    Promise.resolve(ids.map(() => ({ status: 'good' as const })));
  const delegated = new OcspResponder({
    issuer: ca.issuing,
    signer: new SoftwareSigner(responderKey),
    responderCertificate: readCertificate(responderCert.der),
  });
  const direct = new OcspResponder({ issuer: ca.issuing, signer: ca.authority.signer });
  const ocspDelegated = await timed(() => delegated.respond(requestDer, lookup, new Date()), 4);
  const ocspDirect = await timed(() => direct.respond(requestDer, lookup, new Date()), 4);

  // One process, signatures on libuv's thread pool (how the API runs); the one-at-a-time figure is printed too.
  const ratio = issueConcurrent / opensslSign;
  console.log(
    `issuance (parse+verify RSA-2048 CSR, build, sign RSA-2048, self-check): ${issueSequential.toFixed(0)}/s one at a time, ${issueConcurrent.toFixed(0)}/s ${inFlight} in flight`,
  );
  console.log(`openssl speed rsa2048 sign (one thread): ${opensslSign.toFixed(0)}/s`);
  console.log(`CRL with 100,000 entries: ${crlMs.toFixed(0)} ms, ${crl.length} bytes`);
  console.log(
    `OCSP (parse, lookup, sign): ${ocspDelegated.toFixed(0)}/s delegated EC P-256 responder, ${ocspDirect.toFixed(0)}/s signed by the RSA-2048 issuing CA`,
  );
  console.log(
    `pki-bench: issue_per_s=${issueConcurrent.toFixed(0)} openssl_sign_per_s=${opensslSign.toFixed(0)} ratio=${ratio.toFixed(2)} crl100k_ms=${crlMs.toFixed(0)} ocsp_per_s=${ocspDelegated.toFixed(0)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
