import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';

export const ROOT = join(__dirname, '../..');
const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ADMIN_PASSWORD = 'e2e admin password';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface RunningApi {
  readonly url: string;
  readonly mtlsPort: number;
  readonly database: string;
  stop(): Promise<void>;
  /** SIGKILL, as a power cut: no shutdown hook runs; the database is left for the next process. */
  kill(): Promise<void>;
}

/** The built API (apps/api/dist) in its own process, on a fresh PostgreSQL database or a given one. */
export async function startApi(
  dataDir: string,
  shared?: string,
  env: Record<string, string> = {},
): Promise<RunningApi> {
  const name = shared ?? `enroll_e2e_${randomBytes(5).toString('hex')}`;
  if (!shared) {
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
  }
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const [port, mtlsPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'apps/api/dist/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      PORT: String(port),
      HOST: '127.0.0.1',
      ENROLL_MTLS_PORT: String(mtlsPort),
      ENROLL_PUBLIC_URL: `http://127.0.0.1:${port}`,
      ENROLL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ENROLL_CA_PASSPHRASE: 'e2e ca passphrase',
      ENROLL_CA_KEY_ALGORITHM: 'EC-P256',
      ENROLL_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return {
        url: base,
        mtlsPort,
        database: name,
        stop: async () => {
          child.kill('SIGTERM');
          await new Promise((r) => setTimeout(r, 300));
          if (!shared) {
            await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
          }
        },
        kill: async () => {
          if (child.exitCode !== null || child.signalCode !== null) {
            return;
          }
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await exited;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('The API did not start');
}

/** JSON over HTTP with a bearer token; throws on an unexpected status. */
export async function api<T>(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  expected = [200, 201],
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!expected.includes(response.status)) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Runs the built enroll binary with its client folder in `home` (and more of its environment in `env`). */
export function enroll(
  home: string,
  args: string[],
  env: Record<string, string> = {},
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'apps/client/dist/main.js'), ...args], {
    // The machine store in the test's folder: its system-wide default (/var/lib/enroll) is shared; HOME
    // too, for the browsers' database that a user package's certificate goes into ($HOME/.pki/nssdb).
    env: { ...process.env, HOME: home, ENROLL_HOME: home, ENROLL_MACHINE_STORE: join(home, 'machine-store'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export const openssl = (args: string[], input?: string): { status: number; stdout: string; stderr: string } => {
  const result = spawnSync('openssl', args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
};

/**
 * A CSR made by openssl on "another server", as an external request's: RSA-2048, exactly the
 * external profile's usages. Writes `<base>.key` and `<base>.csr`; returns their paths.
 */
export function externalCsr(base: string, subject: string): { key: string; csr: string } {
  const files = { key: `${base}.key`, csr: `${base}.csr` };
  const made = openssl([
    ...['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', files.key, '-subj', subject, '-out', files.csr],
    ...['-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment'],
    ...['-addext', 'extendedKeyUsage=serverAuth'],
  ]);
  if (made.status !== 0) {
    throw new Error(`openssl req failed: ${made.stderr}`);
  }
  return files;
}

/**
 * enroll(), without blocking the test's event loop: while spawnSync waits, keep-alive sockets that
 * the API closes meanwhile go unnoticed, and the test's next fetch fails on one ("other side closed").
 */
export function enrollAsync(
  home: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps/client/dist/main.js'), ...args], {
      env: { ...process.env, HOME: home, ENROLL_HOME: home, ENROLL_MACHINE_STORE: join(home, 'machine-store'), ...env },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/**
 * The built API with the organization J1CFRA (France-LA POSTE) and its manager `mgr-fr`, and the
 * administrator's and the manager's session tokens.
 */
export async function startApiWithOrganization(
  dataDir: string,
): Promise<{ server: RunningApi; admin: string; manager: string }> {
  const server = await startApi(dataDir);
  const signIn = async (username: string, password: string): Promise<string> =>
    (await api<{ accessToken: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, { username, password }))
      .accessToken;
  const admin = await signIn('admin', ADMIN_PASSWORD);
  await api(server.url, 'POST', '/api/v1/organizations', admin, {
    code: 'J1CFRA',
    name: 'France-LA POSTE',
    country: 'FR',
  });
  await api(server.url, 'POST', '/api/v1/users', admin, {
    username: 'mgr-fr',
    password: 'manager password 1',
    role: 'manager',
    organizationCode: 'J1CFRA',
  });
  return { server, admin, manager: await signIn('mgr-fr', 'manager password 1') };
}

/** A CSR made by openssl, as a device would: a P-256 key (thrown away), the given CN and e-mail. */
export function deviceCsr(cn: string, email?: string): string {
  const made = openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    '/dev/null',
    '-subj',
    `/CN=${cn}${email ? `/emailAddress=${email}` : ''}`,
  ]);
  if (made.status !== 0) {
    throw new Error(made.stderr);
  }
  return made.stdout;
}

/** A real SMTP server on a free port (no STARTTLS, no AUTH), each message read back with mailparser. */
export async function startMailSink(): Promise<{ url: string; mails: ParsedMail[]; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`,
    mails,
    close: () => new Promise<void>((resolve) => sink.close(() => resolve())),
  };
}
