import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreatedPackage, Wire } from '@enroll/contract';
import { ADMIN_PASSWORD, api, deviceCsr, startApi, startMailSink, type RunningApi } from './support';

/**
 * Two API processes on one PostgreSQL, each with its notification worker (issue 17): every
 * submission, whichever process took it, is mailed exactly once, by whichever worker was free.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-outbox-two-'));
let sink: Awaited<ReturnType<typeof startMailSink>> | undefined;
let first: RunningApi | undefined;
let second: RunningApi | undefined;

beforeAll(async () => {
  sink = await startMailSink();
  const env = { ENROLL_SMTP_URL: sink.url };
  first = await startApi(join(work, 'one'), undefined, env);
  second = await startApi(join(work, 'two'), first.database, env);
});
afterAll(async () => {
  await second?.stop();
  await first?.stop();
  await sink?.close();
  rmSync(work, { recursive: true, force: true });
});

it('mails each submission once, whichever process took it and whichever worker delivered it', async () => {
  const [one, two] = [first, second];
  if (!one || !two) {
    throw new Error('the APIs did not start');
  }
  const admin = (
    await api<{ accessToken: string }>(one.url, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
  ).accessToken;
  await api(one.url, 'POST', '/api/v1/organizations', admin, { code: 'J1CFRA', name: 'La Poste', country: 'FR' });
  await api(one.url, 'POST', '/api/v1/users', admin, {
    username: 'mgr-fr',
    password: 'manager password 1',
    role: 'manager',
    organizationCode: 'J1CFRA',
    email: 'manager@two.test',
  });
  const created = await api<Wire<CreatedPackage>>(one.url, 'POST', '/api/v1/packages', admin, {
    organizationCode: 'J1CFRA',
    environment: 'Production',
    store: 'machine',
    kinds: ['workstation'],
  });
  const ids = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const csr = deviceCsr((0xc0ffee000000 + i).toString(16).toUpperCase());
      // Half through each process.
      const server = i % 2 === 0 ? one : two;
      return (
        await api<{ id: number }>(server.url, 'POST', '/api/v1/enrollment/requests', created.token, {
          kind: 'workstation',
          csr,
          requestedBy: `DOMAIN\\user${i}`,
        })
      ).id;
    }),
  );
  const subjects = (): string[] => (sink?.mails ?? []).map((m) => m.subject ?? '');
  const end = Date.now() + 30_000;
  while (ids.some((id) => !subjects().includes(`Enroll: request ${id} awaits your decision`)) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // Time for a second delivery of any of them, if the workers were to double up.
  await new Promise((r) => setTimeout(r, 2500));
  expect(subjects().sort()).toEqual(ids.map((id) => `Enroll: request ${id} awaits your decision`).sort());
});
