import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import { Client } from 'pg';
import type { CreatedPackage, Wire } from '@enroll/contract';
import { ADMIN_PASSWORD, api, deviceCsr, startApi, startMailSink, type RunningApi } from './support';

/**
 * The outbox across a power cut (issue 17): an API process is killed (SIGKILL) with one mail
 * claimed and stuck on a silent SMTP server, and a later submission committed but not yet
 * delivered. A new process on the same database delivers the committed one at once, and the
 * claimed one once its lease ends: each arrives, once.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-outbox-crash-'));
const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MANAGER_EMAIL = 'manager@crash.test';

// An SMTP server that accepts connections and never greets: a delivery to it hangs.
const held: Socket[] = [];
const silent: Server = createServer((socket) => held.push(socket));

let sink: Awaited<ReturnType<typeof startMailSink>> | undefined;
let first: RunningApi | undefined;
let second: RunningApi | undefined;
let db: Client | undefined;
const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown }): Promise<void> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
const portOf = (server: Server): number => (server.address() as AddressInfo).port;
const until = async (what: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what.toString()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
};
const mailsFor = (id: number): ParsedMail[] =>
  (sink?.mails ?? []).filter((m) => m.subject === `Enroll: request ${id} awaits your decision`);

beforeAll(async () => {
  await listen(silent);
  sink = await startMailSink();
});
afterAll(async () => {
  await db?.end();
  await second?.stop();
  if (first) {
    await first.kill();
    const url = new URL(PG_ADMIN);
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${first.database} WITH (FORCE)`);
    await admin.end();
  }
  held.forEach((s) => s.destroy());
  silent.close();
  await sink?.close();
  rmSync(work, { recursive: true, force: true });
});

it('delivers what was committed before a SIGKILL, after the restart, once', async () => {
  first = await startApi(join(work, 'api'), undefined, { ENROLL_SMTP_URL: `smtp://127.0.0.1:${portOf(silent)}` });
  const url = new URL(PG_ADMIN);
  url.pathname = `/${first.database}`;
  const pg = new Client({ connectionString: url.toString() });
  db = pg;
  await pg.connect();
  const admin = (
    await api<{ accessToken: string }>(first.url, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
  ).accessToken;
  await api(first.url, 'POST', '/api/v1/organizations', admin, { code: 'J1CFRA', name: 'La Poste', country: 'FR' });
  await api(first.url, 'POST', '/api/v1/users', admin, {
    username: 'mgr-fr',
    password: 'manager password 1',
    role: 'manager',
    organizationCode: 'J1CFRA',
    email: MANAGER_EMAIL,
  });
  const created = await api<Wire<CreatedPackage>>(first.url, 'POST', '/api/v1/packages', admin, {
    organizationCode: 'J1CFRA',
    environment: 'Production',
    store: 'machine',
    kinds: ['workstation'],
  });
  const submit = async (server: RunningApi, cn: string): Promise<number> => {
    const csr = deviceCsr(cn);
    return (
      await api<{ id: number }>(server.url, 'POST', '/api/v1/enrollment/requests', created.token, {
        kind: 'workstation',
        csr,
        requestedBy: 'DOMAIN\\crash',
      })
    ).id;
  };
  const deliveries = async (id: number): Promise<{ status: string; attempts: number }[]> =>
    (
      await pg.query<{ status: string; attempts: number }>(
        `SELECT d.status, d.attempts FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id
          WHERE o.request_id = $1 AND d.channel = 'email'`,
        [id],
      )
    ).rows;

  // The first mail is claimed and hangs on the silent server: the worker is busy with it.
  const claimed = await submit(first, 'A1B2C3D4E5F60001');
  await until(async () => (await deliveries(claimed)).some((d) => d.attempts === 1));
  // The second is committed (answered 201, its event in the outbox) and not yet delivered.
  const committed = await submit(first, 'A1B2C3D4E5F60002');
  const outbox = await pg.query<{ expanded_at: Date | null }>(
    `SELECT expanded_at FROM notification_outbox WHERE request_id = $1 AND event = 'request.pending'`,
    [committed],
  );
  expect(outbox.rows).toEqual([{ expanded_at: null }]);
  expect(await deliveries(committed)).toEqual([]);

  await first.kill();

  second = await startApi(join(work, 'api'), first.database, {
    ENROLL_SMTP_URL: sink?.url ?? '',
  });
  // Delivered by the new process, without anyone asking again.
  await until(() => mailsFor(committed).length === 1);
  const to = mailsFor(committed)[0]?.to;
  expect(Array.isArray(to) ? to.map((a) => a.text) : to?.text).toBe(MANAGER_EMAIL);
  expect(await deliveries(committed)).toEqual([{ status: 'sent', attempts: 1 }]);
  // The claimed one waits for its lease (five minutes) so that a slow sender is not doubled;
  // when the lease ends (moved here rather than waited for), it is sent.
  expect(mailsFor(claimed)).toHaveLength(0);
  expect(await deliveries(claimed)).toEqual([{ status: 'pending', attempts: 1 }]);
  await pg.query(
    `UPDATE notification_deliveries d SET due_at = now() FROM notification_outbox o
      WHERE o.id = d.outbox_id AND o.request_id = $1`,
    [claimed],
  );
  await until(() => mailsFor(claimed).length === 1);
  await new Promise((r) => setTimeout(r, 1500));
  expect(mailsFor(claimed)).toHaveLength(1);
  expect(mailsFor(committed)).toHaveLength(1);
  expect(await deliveries(claimed)).toEqual([{ status: 'sent', attempts: 2 }]);
});
