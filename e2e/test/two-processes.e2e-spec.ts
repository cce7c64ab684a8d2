import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr, generatePrivateKey, OID } from '@enroll/pki';
import { ADMIN_PASSWORD, api, openssl, startApi, type RunningApi } from './support';

/**
 * Two API processes on one PostgreSQL: revocations through both, and every CRL that either
 * serves has a distinct number with one content (the same serials whichever process built it).
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-two-'));
let first: RunningApi;
let second: RunningApi;

beforeAll(async () => {
  first = await startApi(join(work, 'one'));
  second = await startApi(join(work, 'two'), first.database);
});
afterAll(async () => {
  await second.stop();
  await first.stop();
  rmSync(work, { recursive: true, force: true });
});

async function crlOf(server: RunningApi): Promise<{ number: number; serials: string[] }> {
  const der = Buffer.from(await (await fetch(`${server.url}/pki/crl`)).arrayBuffer());
  const file = join(work, `crl-${Math.random().toString(36).slice(2)}.der`);
  writeFileSync(file, der);
  const text = openssl(['crl', '-inform', 'DER', '-in', file, '-noout', '-text']).stdout;
  return {
    number: Number(/CRL Number:\s*\n?\s*(\d+)/.exec(text)?.[1]),
    serials: [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1] ?? '').sort(),
  };
}

it('agree on the CA and on CRL numbers while both revoke', async () => {
  expect(await (await fetch(`${first.url}/pki/ca.pem`)).text()).toBe(
    await (await fetch(`${second.url}/pki/ca.pem`)).text(),
  );
  const login = async (server: RunningApi): Promise<string> =>
    (
      await api<{ accessToken: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, {
        username: 'admin',
        password: ADMIN_PASSWORD,
      })
    ).accessToken;
  const [tokenOne, tokenTwo] = [await login(first), await login(second)];
  await api(first.url, 'POST', '/api/v1/organizations', tokenOne, {
    code: 'TWO',
    name: 'Two processes',
    country: 'FR',
  });
  const pkg = await api<{ token: string }>(second.url, 'POST', '/api/v1/packages', tokenTwo, {
    organizationCode: 'TWO',
    environment: 'Production',
    store: 'machine',
    kinds: ['workstation'],
  });
  const key = await generatePrivateKey('EC-P256');
  const seen = new Map<number, string>();
  for (let i = 0; i < 6; i++) {
    const [server, token] = i % 2 ? [second, tokenTwo] : [first, tokenOne];
    const csr = buildCsr({ privateKey: key, subject: [{ oid: OID.commonName, value: `ABCDEF00${i}` }] });
    const { id } = await api<{ id: number }>(server.url, 'POST', '/api/v1/enrollment/requests', pkg.token, {
      kind: 'workstation',
      csr,
      requestedBy: 'x',
    });
    await api(server.url, 'POST', `/api/v1/requests/${id}/approve`, token, {});
    await api(server.url, 'POST', `/api/v1/requests/${id}/revoke`, token, { reason: 'superseded' });
    const crls = await Promise.all([crlOf(first), crlOf(second), crlOf(first), crlOf(second)]);
    for (const crl of crls) {
      const contents = crl.serials.join(',');
      expect(seen.get(crl.number) ?? contents).toBe(contents);
      seen.set(crl.number, contents);
    }
    const newest = crls.reduce((a, b) => (a.number > b.number ? a : b));
    expect(newest.serials).toHaveLength(i + 1);
  }
  const numbers = [...seen.keys()].sort((a, b) => a - b);
  expect(new Set(numbers).size).toBe(numbers.length);
  expect(numbers.length).toBeGreaterThanOrEqual(6);
});
