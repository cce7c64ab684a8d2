import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreatedPackage, Wire } from '@enroll/contract';
import { ADMIN_PASSWORD, api, startApi, type RunningApi } from './support';

/**
 * The client as one file (issue 13): downloaded from the running API, copied into an empty folder
 * with no node_modules, and run with Node.js alone in a fresh HOME: init, submit, get, test.
 */
const work = mkdtempSync(join(tmpdir(), 'enroll-download-e2e-'));
let server: RunningApi;

/** `node enroll.cjs ...` in the empty folder, asynchronously (the API answers meanwhile). */
function node(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(work, 'bin', 'enroll.cjs'), ...args], {
      cwd: join(work, 'bin'),
      env: { PATH: process.env.PATH ?? '', HOME: join(work, 'home'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  server = await startApi(join(work, 'api-data'));
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('GET /downloads/enroll.cjs', () => {
  it('serves the client as one file, publicly, with its SHA-256 as ETag (304 when unchanged)', async () => {
    const response = await fetch(`${server.url}/downloads/enroll.cjs`, { headers: { accept: 'text/html,*/*' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="?enroll\.cjs"?$/);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 19).toString()).toBe('#!/usr/bin/env node');
    const etag = response.headers.get('etag') ?? '';
    const { createHash } = await import('node:crypto');
    expect(etag).toBe(`"${createHash('sha256').update(body).digest('hex')}"`);
    expect((await fetch(`${server.url}/downloads/enroll.cjs`, { headers: { 'if-none-match': etag } })).status).toBe(
      304,
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(work, 'bin'));
    mkdirSync(join(work, 'home'));
    writeFileSync(join(work, 'bin', 'enroll.cjs'), body);
  });

  it('runs with Node.js alone in a fresh HOME: init, submit, get into <store>/current, test', async () => {
    const admin = (
      await api<{ accessToken: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, {
        username: 'admin',
        password: ADMIN_PASSWORD,
      })
    ).accessToken;
    await api(server.url, 'POST', '/api/v1/organizations', admin, {
      code: 'J1CFRA',
      name: 'France-LA POSTE',
      country: 'FR',
    });
    const created = await api<Wire<CreatedPackage>>(server.url, 'POST', '/api/v1/packages', admin, {
      organizationCode: 'J1CFRA',
      environment: 'Production',
      store: 'user',
      kinds: ['workstation'],
    });
    writeFileSync(join(work, 'package.json'), JSON.stringify(created.clientConfig));
    const env = {};
    expect((await node(['--version'], env)).stdout).toBe('0.1.0\n');
    expect((await node(['init', join(work, 'package.json')], env)).status).toBe(0);
    const submitted = await node(
      [
        'submit',
        '--locality',
        'Paris',
        '--state',
        'IDF',
        '--email',
        'a@laposte.example',
        '--phone',
        '1',
        '--description',
        'PC',
        '--json',
      ],
      env,
    );
    expect(submitted.stderr).not.toMatch(/Error/);
    const id = (JSON.parse(submitted.stdout) as { request: { id: number } }).request.id;
    await api(server.url, 'POST', `/api/v1/requests/${id}/approve`, admin, {});
    const got = await node(['get'], env);
    expect(got.stdout).toContain(`Certificate installed successfully for request Id ${id}.`);
    const current = join(work, 'home', '.enroll', 'user-store', 'current');
    expect(readFileSync(join(current, 'cert.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const tested = await node(['test'], env);
    expect(tested).toMatchObject({ status: 0, stdout: 'Connection to test connection service successful.\n' });
  });
});
