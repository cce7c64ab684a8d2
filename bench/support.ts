import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export const ROOT = join(__dirname, '..');
export const PG_ADMIN = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function recreateDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: PG_ADMIN });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: PG_ADMIN });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Reply {
  status: number;
  body: string;
  bytes: number;
}

/**
 * A small HTTP client on a keep-alive agent (the load generator should cost little). A socket the
 * server closed while idle resets on reuse: that one case is retried once.
 */
export async function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
  raw?: Buffer,
  binary = false,
): Promise<Reply> {
  try {
    return await once(port, method, path, headers, body, raw, binary);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ECONNRESET') {
      throw error;
    }
    return once(port, method, path, headers, body, raw, binary);
  }
}

function once(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  raw: Buffer | undefined,
  binary: boolean,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const all = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, body: binary ? '' : all.toString('utf8'), bytes: all.length });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Starts the built API in its own process and waits for /health. */
export async function startApi(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(ROOT, 'apps/api/dist/main.js')],
    {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (let i = 0; i < 300; i++) {
    try {
      if ((await call(port, 'GET', '/health')).status === 200) {
        return child;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('The API did not start.');
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export const BENCH_ADMIN_PASSWORD = 'bench admin password';

/**
 * Runs `body` against the built API in its own process on a fresh database, then stops it and
 * drops the database (unless BENCH_KEEP=1, to look at query plans afterwards).
 */
export async function withApi(
  database: string,
  port: number,
  env: Record<string, string>,
  body: () => Promise<void>,
): Promise<void> {
  await recreateDatabase(database);
  const api = await startApi(
    {
      DATABASE_URL: databaseUrl(database),
      ENROLL_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      ENROLL_CA_PASSPHRASE: 'bench ca passphrase',
      ENROLL_DATA_DIR: `/tmp/enroll-bench-data-${port}`,
      // A fresh database bootstraps a fresh root: its key file must be new too.
      ENROLL_ROOT_KEY_FILE: join(mkdtempSync(join(tmpdir(), 'enroll-bench-root-')), 'root-ca.key'),
      ...env,
    },
    port,
  );
  try {
    await body();
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (process.env.BENCH_KEEP !== '1') {
      await dropDatabase(database);
    }
  }
}

export interface BenchTenant {
  /** Authorization headers of the administrator and of the enrollment package. */
  readonly admin: Record<string, string>;
  readonly pkg: Record<string, string>;
  readonly clientConfig: unknown;
}

/** Signs in as admin and creates the organization BENCH with a package for these kinds. */
export async function benchTenant(port: number, kinds: string[]): Promise<BenchTenant> {
  const login = await call(
    port,
    'POST',
    '/api/v1/auth/login',
    {},
    { username: 'admin', password: BENCH_ADMIN_PASSWORD },
  );
  const admin = { authorization: `Bearer ${(JSON.parse(login.body) as { accessToken: string }).accessToken}` };
  await call(port, 'POST', '/api/v1/organizations', admin, { code: 'BENCH', name: 'Bench', country: 'FR' });
  const created = JSON.parse(
    (
      await call(port, 'POST', '/api/v1/packages', admin, {
        organizationCode: 'BENCH',
        environment: 'Production',
        store: 'machine',
        kinds,
      })
    ).body,
  ) as { token: string; clientConfig: unknown };
  return { admin, pkg: { authorization: `Bearer ${created.token}` }, clientConfig: created.clientConfig };
}

/** Runs a benchmark's main and exits non-zero on failure. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

/**
 * Loads `rows` requests across 20 organizations (BENCH and ORG1..ORG19) straight into the table,
 * copying the CSR of a request already there. Returns the number of requests in the table.
 */
export async function loadRequests(database: string, rows: number): Promise<number> {
  const db = new Client({ connectionString: databaseUrl(database) });
  await db.connect();
  try {
    const loadStart = Date.now();
    await db.query(
      `INSERT INTO organizations (code, name, country) SELECT 'ORG' || g, 'Organization ' || g, 'FR' FROM generate_series(1, 19) g`,
    );
    await db.query(`INSERT INTO enrollment_packages (organization_id, environment, store, kinds, token_hash)
                    SELECT id, 'Production', 'machine', ARRAY['workstation','server','mobile','external']::varchar(16)[], sha256(id::text::bytea) FROM organizations WHERE code <> 'BENCH'`);
    const template = await db.query<{ csr_der: Buffer; spki_sha256: Buffer; public_key: unknown }>(
      `SELECT csr_der, spki_sha256, public_key FROM requests LIMIT 1`,
    );
    const sample = template.rows[0];
    if (!sample) {
      throw new Error('loadRequests copies the CSR of a request: submit one first');
    }
    await db.query(
      `WITH p AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(organization_id ORDER BY id) AS orgs FROM enrollment_packages)
       INSERT INTO requests (organization_id, package_id, kind, status, enrollment_type, common_name, subject, csr_der, spki_sha256, public_key, requested_extensions,
                            requested_by, submitted_at, updated_at)
       SELECT p.orgs[1 + g % 20], p.ids[1 + g % 20], (ARRAY['workstation','server','mobile','external'])[1 + g % 4],
              (ARRAY['Pending','Approved','Installed','Rejected','Cancelled','Revoked','Installed','Installed'])[1 + (g / 7) % 8],
              'Machine', 'host-' || g || '.example.org', 'CN=host-' || g, $1, $2, $3, '{"oids":[]}', 'DOMAIN\\user' || (g % 5000),
              now() - make_interval(secs => $4 - g), now()
         FROM p, generate_series(1, $4) g`,
      [sample.csr_der, sample.spki_sha256, sample.public_key, rows],
    );
    await db.query('ANALYZE');
    const [{ count } = { count: 0 }] = (
      await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM requests`)
    ).rows;
    console.log(`loaded ${count} requests in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);
    return count;
  } finally {
    await db.end();
  }
}
