import { readlinkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreatedPackage, RequestDetail, Wire } from '@enroll/contract';
import { api, enrollAsync, startApiWithOrganization, type RunningApi } from './support';

/**
 * A package disabled while a request waits (issue 13): the certificate approved afterwards is
 * picked up with the replacement package (same organization, environment and store) loaded by
 * `enroll init --force`, with the key made under the old one, and installed at `current`.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-replaced-'));
const home = join(work, 'client');
const store = join(work, 'store');
const REQUESTER = 'WS-0042\\alice';
let server: RunningApi;
let admin: string;
let manager: string;

const run = (args: string[]): ReturnType<typeof enrollAsync> =>
  enrollAsync(home, args, { ENROLL_MACHINE_STORE: store });
const newPackage = async (): Promise<Wire<CreatedPackage>> =>
  api<Wire<CreatedPackage>>(server.url, 'POST', '/api/v1/packages', admin, {
    organizationCode: 'J1CFRA',
    environment: 'Production',
    store: 'machine',
    kinds: ['workstation'],
  });

beforeAll(async () => {
  ({ server, admin, manager } = await startApiWithOrganization(join(work, 'api')));
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

it('picks up, with the replacement package, a certificate approved after the old package was disabled', async () => {
  const old = await newPackage();
  writeFileSync(join(work, 'old.json'), JSON.stringify(old.clientConfig));
  expect((await run(['init', join(work, 'old.json')])).status).toBe(0);
  const submitted = await run([
    'submit',
    '--locality',
    'Paris',
    '--state',
    'Ile-de-France',
    '--email',
    'alice@laposte.example',
    '--phone',
    '+33 1 23 45 67 89',
    '--requested-by',
    REQUESTER,
    '--description',
    'Accounting PC',
    '--json',
  ]);
  expect(submitted.status).toBe(0);
  const id = (JSON.parse(submitted.stdout) as { request: { id: number } }).request.id;

  await api(server.url, 'POST', `/api/v1/packages/${old.id}/disable`, admin, {});
  await api(server.url, 'POST', `/api/v1/requests/${id}/approve`, manager, {});
  const stranded = await run(['get', '--requested-by', REQUESTER]);
  expect(stranded.status).not.toBe(0);
  expect(stranded.stderr).toMatch(/disabled/);

  const replacement = await newPackage();
  writeFileSync(join(work, 'new.json'), JSON.stringify(replacement.clientConfig));
  expect((await run(['init', '--force', join(work, 'new.json')])).status).toBe(0);
  const got = await run(['get', '--requested-by', REQUESTER]);
  expect(got.stderr).not.toMatch(/Error/);
  expect(got.stdout).toContain(`Certificate installed successfully for request Id ${id}.`);
  expect(readlinkSync(join(store, 'current'))).toBe(`request-${id}`);
  const detail = await api<Wire<RequestDetail>>(server.url, 'GET', `/api/v1/requests/${id}`, admin);
  expect(detail.status).toBe('Installed');
});
