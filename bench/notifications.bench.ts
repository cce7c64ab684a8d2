/**
 * npm run bench:notifications: the delay from a submission to the manager's mail arriving in a
 * real SMTP server (smtp-server, in this process), p50/p95 over 200 submissions against the built
 * API on PostgreSQL: one every 100 ms (already a busy day: the delay a person sees), then 10 at a
 * time as fast as the API answers (a burst, where the worker's throughput shows). The clock starts when the submission is sent and stops when the
 * sink has the whole message. Prints figures; asserts nothing.
 */
import type { AddressInfo } from 'node:net';
import { buildCsr, generatePrivateKey, OID } from '@enroll/pki';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { benchTenant, call, percentile, runBench, withApi } from './support';

const DB = 'enroll_bench_notifications';
const PORT = Number(process.env.BENCH_PORT ?? 3192);
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 200);

async function main(): Promise<void> {
  const arrived = new Map<number, number>();
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const id = /request (\d+) awaits/.exec(mail.subject ?? '')?.[1];
          if (id) {
            arrived.set(Number(id), performance.now());
          }
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;
  try {
    await withApi(DB, PORT, { ENROLL_SMTP_URL: smtpUrl, ENROLL_MAIL_FROM: 'enroll@bench.test' }, async () => {
      const { admin, pkg } = await benchTenant(PORT, ['workstation']);
      const manager = await call(PORT, 'POST', '/api/v1/users', admin, {
        username: 'bench-manager',
        password: 'bench manager password',
        role: 'manager',
        organizationCode: 'BENCH',
        email: 'manager@bench.test',
      });
      if (manager.status !== 201) {
        throw new Error(`the manager was not created: ${manager.status} ${manager.body}`);
      }
      const keys = await Promise.all(Array.from({ length: 10 }, () => generatePrivateKey('EC-P256')));
      let serial = 0xb0000000;
      /** `inFlight` clients, each waiting `pauseMs` after each answer. */
      const phase = async (inFlight: number, pauseMs: number): Promise<void> => {
        const csrs = Array.from({ length: SUBMISSIONS }, (_, i) =>
          buildCsr({
            privateKey: keys[i % keys.length] ?? keys[0]!,
            subject: [{ oid: OID.commonName, value: (serial++).toString(16).toUpperCase().padStart(16, '0') }],
          }),
        );
        const sent = new Map<number, number>();
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < csrs.length) {
            const csr = csrs[next++];
            const at = performance.now();
            const submitted = await call(PORT, 'POST', '/api/v1/enrollment/requests', pkg, {
              kind: 'workstation',
              csr,
              requestedBy: 'BENCH\\mail',
            });
            if (submitted.status !== 201) {
              throw new Error(`submission answered ${submitted.status}: ${submitted.body}`);
            }
            sent.set((JSON.parse(submitted.body) as { id: number }).id, at);
            if (pauseMs > 0) {
              await new Promise((r) => setTimeout(r, pauseMs));
            }
          }
        };
        const started = performance.now();
        await Promise.all(Array.from({ length: inFlight }, worker));
        const deadline = performance.now() + 60_000;
        while ([...sent.keys()].some((id) => !arrived.has(id)) && performance.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const delays = [...sent].flatMap(([id, at]) => {
          const got = arrived.get(id);
          return got === undefined ? [] : [got - at];
        });
        console.log(
          `submission → mail in the sink (${SUBMISSIONS} submissions, ${inFlight} in flight${pauseMs > 0 ? `, ${pauseMs} ms apart` : ''}, over ${((performance.now() - started) / 1000).toFixed(1)} s): ` +
            `p50 ${percentile(delays, 50).toFixed(0)} ms, p95 ${percentile(delays, 95).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms, ${sent.size - delays.length} missing`,
        );
      };
      await phase(1, 100);
      await phase(10, 0);
    });
  } finally {
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}

runBench(main);
