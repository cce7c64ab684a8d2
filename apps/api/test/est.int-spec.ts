import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMtlsServer } from '../src/mtls/mtls-server';
import { startTestApp, tableCounts, type TestApp } from './support/test-app';
import { createTenant, signInAdmin, type Session, type Tenant } from './support/factories';
import { testConfig } from './support/test-config';

/**
 * EST (RFC 7030) with the RFC's own client: curl and openssl, against the real mutual-TLS port.
 * Base64 answers are decoded by `openssl base64 -d`, which needs them in lines of 64.
 */
const dir = mkdtempSync(join(tmpdir(), 'enroll-est-'));
let t: TestApp;
let mtls: HttpsServer;
let mtlsPort: number;
let httpPort: number;
let admin: Session;
let a: Tenant;

/** Runs a real client asynchronously: the API under test lives in this very process. */
function run(
  command: string,
  args: string[],
  input?: string,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const sh = (script: string): Promise<{ status: number; stdout: string; stderr: string }> =>
  run('/bin/sh', ['-c', script]);

const est = (path: string, port = mtlsPort, scheme = 'https'): string =>
  `${scheme}://127.0.0.1:${port}/.well-known/est/${path}`;

/** curl with the headers written to a file: the status, the headers and the body. */
async function curl(args: string[]): Promise<{ status: number; headers: string; body: string }> {
  const headers = join(dir, `h-${randomBytes(4).toString('hex')}`);
  const result = await run('curl', [
    '-s',
    '-D',
    headers,
    '-o',
    '-',
    '-w',
    '\n%{http_code}',
    '--cacert',
    join(dir, 'chain.pem'),
    ...args,
  ]);
  const lines = result.stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, headers: readFileSync(headers, 'utf8').toLowerCase(), body: lines.join('\n') };
}

let counter = 0;
/** A key and a CSR made by openssl, as a device would; the CSR as base64 DER (the EST body). */
async function csr(cn: string, key?: string): Promise<{ key: string; b64: string }> {
  counter++;
  const keyFile = key ?? join(dir, `key-${counter}.pem`);
  const make = key
    ? `openssl req -new -key ${keyFile} -subj "/CN=${cn}/L=Paris" -outform DER`
    : `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${keyFile} -subj "/CN=${cn}/L=Paris" -outform DER`;
  const b64 = join(dir, `csr-${counter}.b64`);
  const made = await sh(`${make} 2>/dev/null | openssl base64 > ${b64}`);
  expect(made.status).toBe(0);
  return { key: keyFile, b64 };
}

const fingerprint = (): string => randomBytes(8).toString('hex').toUpperCase();
const enroll = (b64: string, password: string, path = 'simpleenroll') =>
  curl([
    '-u',
    `LAPOSTE\\jdupont:${password}`,
    '-H',
    'Content-Type: application/pkcs10',
    '--data-binary',
    `@${b64}`,
    est(path),
  ]);
const requestIdOf = (headers: string): number => Number(/x-enroll-request-id: (\d+)/.exec(headers)?.[1]);

/** Decodes a certs-only answer with openssl and writes its certificates as PEM. */
async function printCerts(body: string, out: string): Promise<string> {
  const b64 = join(dir, `answer-${randomBytes(4).toString('hex')}.b64`);
  writeFileSync(b64, `${body}\n`);
  const printed = await sh(`openssl base64 -d -in ${b64} | openssl pkcs7 -inform DER -print_certs -out ${out}`);
  expect(printed.stderr).toBe('');
  return readFileSync(out, 'utf8');
}

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  httpPort = (t.server.address() as AddressInfo).port;
  mtls = await startMtlsServer(t.app, testConfig(), 0);
  mtlsPort = (mtls.address() as AddressInfo).port;
  admin = await signInAdmin(t);
  a = await createTenant(t, admin, { kinds: ['workstation', 'server'] });
  writeFileSync(join(dir, 'chain.pem'), (await t.http().get('/pki/ca.pem').expect(200)).text);
});
afterAll(async () => {
  mtls.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('EST over the mutual-TLS port', () => {
  it('/cacerts is the chain as certs-only PKCS #7, base64 in lines openssl reads', async () => {
    const answer = await curl([est('cacerts')]);
    expect(answer.status).toBe(200);
    expect(answer.headers).toContain('content-type: application/pkcs7-mime');
    expect(Math.max(...answer.body.split(/\r?\n/).map((l) => l.length))).toBeLessThanOrEqual(64);
    const pems = await printCerts(answer.body, join(dir, 'cacerts.pem'));
    expect(pems.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it('/csrattrs is a CsrAttrs openssl parses; a label names the kind', async () => {
    const answer = await curl([est('server/csrattrs')]);
    expect(answer.status).toBe(200);
    expect(answer.headers).toContain('content-type: application/csrattrs');
    writeFileSync(join(dir, 'attrs.b64'), `${answer.body}\n`);
    const parsed = await sh(`openssl base64 -d -in ${join(dir, 'attrs.b64')} | openssl asn1parse -inform DER`);
    expect(parsed.stdout).toContain('commonName');
    expect(parsed.stdout).toContain('Extension Request');
    expect((await curl([est('printer/csrattrs')])).status).toBe(404);
  });

  it('simpleenroll: 202 + Retry-After while Pending, the same CSR again is the poll, 200 once approved; the certificate verifies', async () => {
    const request = await csr(fingerprint());
    const first = await enroll(request.b64, a.packageToken);
    expect(first.status).toBe(202);
    expect(first.headers).toMatch(/retry-after: \d+/);
    const id = requestIdOf(first.headers);
    const poll = await enroll(request.b64, a.packageToken);
    expect(poll.status).toBe(202);
    expect(requestIdOf(poll.headers)).toBe(id);
    const detail = await t
      .http()
      .get(`/api/v1/requests/${id}`)
      .set(...a.manager.auth)
      .expect(200);
    expect(detail.body).toMatchObject({
      status: 'Pending',
      channel: 'est',
      kind: 'workstation',
      requestedBy: 'LAPOSTE\\jdupont',
    });
    const approvedAt = Date.now();
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(200);
    const issued = await enroll(request.b64, a.packageToken);
    console.log(`EST: approval to certificate ${Date.now() - approvedAt} ms (the client's next poll)`);
    expect(issued.status).toBe(200);
    expect(issued.headers).toContain('content-type: application/pkcs7-mime; smime-type=certs-only');
    const pem = await printCerts(issued.body, join(dir, 'issued.pem'));
    expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    const verified = await run('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      join(dir, 'chain.pem'),
      join(dir, 'issued.pem'),
    ]);
    expect(verified.stdout).toMatch(/OK/);
    writeFileSync(join(dir, 'issued.key'), readFileSync(request.key));
  });

  it('simplereenroll with the current certificate follows the renewal rules: issued at once, same CN, new key', async () => {
    const cn =
      /CN ?= ?([0-9A-F]+)/.exec(
        (await run('openssl', ['x509', '-in', join(dir, 'issued.pem'), '-noout', '-subject'])).stdout,
      )?.[1] ?? '';
    const renewal = await csr(cn);
    const answer = await curl([
      '--cert',
      join(dir, 'issued.pem'),
      '--key',
      join(dir, 'issued.key'),
      '-H',
      'Content-Type: application/pkcs10',
      '--data-binary',
      `@${renewal.b64}`,
      est('simplereenroll'),
    ]);
    expect(answer.status).toBe(200);
    await printCerts(answer.body, join(dir, 'renewed.pem'));
    const verified = await run('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      join(dir, 'chain.pem'),
      join(dir, 'renewed.pem'),
    ]);
    expect(verified.stdout).toMatch(/OK/);
    const [row] = await t.db.query<{ channel: string; renewal_of: string | null }[]>(
      `SELECT channel, renewal_of FROM requests WHERE id = $1`,
      [requestIdOf(answer.headers)],
    );
    expect(row).toMatchObject({ channel: 'est' });
    expect(row?.renewal_of).not.toBeNull();
    // The same key again is refused by the package's rule (a new key by default): 403, nothing stored.
    const sameKey = await csr(cn, renewal.key);
    const refused = await curl([
      '--cert',
      join(dir, 'renewed.pem'),
      '--key',
      renewal.key,
      '-H',
      'Content-Type: application/pkcs10',
      '--data-binary',
      `@${sameKey.b64}`,
      est('simplereenroll'),
    ]);
    expect(refused.status).toBe(403);
    // Without a client certificate: 401.
    expect(
      (
        await curl([
          '-H',
          'Content-Type: application/pkcs10',
          '--data-binary',
          `@${renewal.b64}`,
          est('simplereenroll'),
        ])
      ).status,
    ).toBe(401);
  });

  it('a bad credential is 401 with a Basic challenge, and stores nothing', async () => {
    const request = await csr(fingerprint());
    const before = await tableCounts(t.db);
    const wrong = await enroll(request.b64, 'enr_not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers).toContain('www-authenticate: basic');
    expect(
      (await curl(['-H', 'Content-Type: application/pkcs10', '--data-binary', `@${request.b64}`, est('simpleenroll')]))
        .status,
    ).toBe(401);
    expect((await tableCounts(t.db)).requests).toBe(before.requests);
  });

  it('a rejected request answers 403 to its poll; a kind the package does not allow is 403', async () => {
    const request = await csr(fingerprint());
    const first = await enroll(request.b64, a.packageToken);
    expect(first.status).toBe(202);
    await t
      .http()
      .post(`/api/v1/requests/${requestIdOf(first.headers)}/reject`)
      .set(...a.manager.auth)
      .send({ reason: 'Unknown device' })
      .expect(200);
    const poll = await enroll(request.b64, a.packageToken);
    expect(poll.status).toBe(403);
    const mobile = await csr('IMEI-123456789');
    expect((await enroll(mobile.b64, a.packageToken, 'mobile/simpleenroll')).status).toBe(403);
  });

  it('a body that is not a CSR is 400: nothing stored but an audit event', async () => {
    const before = await tableCounts(t.db);
    writeFileSync(join(dir, 'junk.b64'), 'bm90IGEgY3Ny\n');
    expect((await enroll(join(dir, 'junk.b64'), a.packageToken)).status).toBe(400);
    writeFileSync(join(dir, 'junk.txt'), '%%% not base64 %%%');
    expect((await enroll(join(dir, 'junk.txt'), a.packageToken)).status).toBe(400);
    const after = await tableCounts(t.db);
    expect(after.requests).toBe(before.requests);
    expect(after.audit).toBeGreaterThan(before.audit ?? 0); // est.refuse
  });

  it('the HTTP port refuses EST (the token would travel in the clear)', async () => {
    const request = await csr(fingerprint());
    const answer = await curl([
      '-u',
      `x:${a.packageToken}`,
      '--data-binary',
      `@${request.b64}`,
      est('simpleenroll', httpPort, 'http'),
    ]);
    expect(answer.status).toBe(403);
    expect((await curl([est('cacerts', httpPort, 'http')])).status).toBe(403);
  });
});
