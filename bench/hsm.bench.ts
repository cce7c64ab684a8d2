/**
 * npm run bench:hsm: certificate issuance with the issuing key in SoftHSM2 over PKCS#11, exactly
 * as the API signs with ENROLL_PKCS11_MODULE set (Pkcs11CaKeyStore, its session pool, pkcs11js on
 * libuv's thread pool). A token of its own in a temporary folder; prints figures, asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assembleCertificateAuthority,
  createRootCa,
  issueIssuingCaCertificate,
  issueCertificate,
  parseCsr,
  pkiUrls,
  PROFILES,
  rootPkiUrls,
  toPem,
  type KeyAlgorithm,
} from '@enroll/pki';
import { Pkcs11CaKeyStore } from '../apps/api/src/authority/hsm';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const MODULE = process.env.BENCH_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '246813579';
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

/** A SoftHSM token in a folder of its own (SOFTHSM2_CONF is read when the module initialises). */
function softHsmToken(dir: string): void {
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const init = spawnSync('softhsm2-util', [
    '--init-token',
    '--free',
    '--label',
    'enroll-bench',
    '--pin',
    PIN,
    '--so-pin',
    '1357924680',
  ]);
  if (init.status !== 0) {
    throw new Error(`softhsm2-util --init-token failed (apt-get install -y softhsm2): ${init.stderr.toString()}`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'enroll-hsm-bench-'));
  try {
    softHsmToken(dir);
    const store = Pkcs11CaKeyStore.open({
      module: MODULE,
      tokenLabel: 'enroll-bench',
      pin: PIN,
      keyLabel: 'enroll-bench-issuing',
    });
    const now = new Date(Date.now() - 3_600_000);
    const urls = pkiUrls('http://localhost:3000');
    const figures: [KeyAlgorithm, number][] = [];
    for (const algorithm of ['RSA-2048', 'RSA-3072', 'EC-P256'] as const) {
      // The root in software (it is offline in production); the issuing key made and kept in the token.
      const root = await createRootCa({ now, keyAlgorithm: algorithm });
      const issuing = await store.createIssuingKey(algorithm);
      const issuingDer = await issueIssuingCaCertificate(root, {
        spki: issuing.signer.spki,
        now,
        urls: rootPkiUrls('http://localhost:3000'),
      });
      const ca = assembleCertificateAuthority(
        { rootPem: toPem('CERTIFICATE', root.certificate.der), issuingPem: toPem('CERTIFICATE', issuingDer) },
        issuing.signer,
      );
      const issue = (): ReturnType<typeof issueCertificate> =>
        issueCertificate({
          profile: PROFILES.server,
          input: { commonName: 'api.example.org', organizationCode: 'J1CFRA', country: 'FR' },
          subjectKey: parseCsr(csrPem),
          authority: ca.authority,
          urls,
          now: new Date(),
        });
      await timed(issue, inFlight); // warm-up: sessions opened, code paths compiled
      const perSecond = await timed(issue, inFlight);
      figures.push([algorithm, perSecond]);
      console.log(
        `issuance with the issuing key in SoftHSM2 (${algorithm}, parse+verify RSA-2048 CSR, build, sign in the token, self-check): ${perSecond.toFixed(0)}/s ${inFlight} in flight`,
      );
    }
    const of = (algorithm: KeyAlgorithm): string => (figures.find(([a]) => a === algorithm)?.[1] ?? 0).toFixed(0);
    // issue_per_s is RSA-2048, like bench:pki's, so that the two compare.
    console.log(
      `hsm-bench: issue_per_s=${of('RSA-2048')} rsa2048_issue_per_s=${of('RSA-2048')} rsa3072_issue_per_s=${of('RSA-3072')} ecp256_issue_per_s=${of('EC-P256')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
