import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase } from './support/postgres';
import { createTenant, makeCsr, signInAdmin, submit, type Session, type Tenant } from './support/factories';

/**
 * The database goes away under load and comes back (issue 15): the API reaches PostgreSQL through
 * a TCP proxy of this test, which cuts every connection and refuses new ones for a while. The
 * shared server is never stopped. Every answer is then a success, a 409 or a 503 with
 * Retry-After (never a 401 that would make a client throw its valid token away, nor a 500), and
 * the API recovers by itself.
 */
class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private down = false;
  readonly server: Server;

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      const upstream = connect(this.upstreamPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) {
      socket.destroy();
    }
  }

  restore(): void {
    this.down = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let proxy: CuttableProxy;
let t: TestApp;
let admin: Session;
let a: Tenant;

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(database.url);
  proxy = new CuttableProxy(Number(url.port || 5432));
  url.port = String(await proxy.listen());
  t = await startTestApp({ target: { url: url.toString() } });
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
});
afterAll(async () => {
  await t.close();
  await proxy.close();
  await database.drop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('a database outage under load', () => {
  it('answers only 2xx, 409 or 503 + Retry-After while it lasts, then recovers without a restart', async () => {
    const seen: { status: number; retryAfter?: string; code?: string; during: boolean }[] = [];
    let outage = false;
    let running = true;
    const record = (response: { status: number; headers: Record<string, string>; body: unknown }) => {
      seen.push({
        status: response.status,
        retryAfter: response.headers['retry-after'],
        code: (response.body as { code?: string }).code,
        during: outage,
      });
      return response;
    };
    const client = async (): Promise<void> => {
      while (running) {
        const submitted = record(
          await t
            .http()
            .post('/api/v1/enrollment/requests')
            .set(...a.pkg)
            .send({ kind: 'workstation', csr: await csrFor(), requestedBy: 'DOMAIN\\load' }),
        );
        record(
          await t
            .http()
            .get('/api/v1/auth/me')
            .set(...a.manager.auth),
        );
        if (submitted.status === 201) {
          record(
            await t
              .http()
              .post(`/api/v1/requests/${(submitted.body as { id: number }).id}/approve`)
              .set(...a.manager.auth)
              .send({}),
          );
        }
      }
    };
    const clients = Array.from({ length: 4 }, () => client());
    await sleep(1500);
    outage = true;
    proxy.cut();
    const health = await t.http().get('/health');
    expect(health.status).toBe(503);
    expect(health.headers['retry-after']).toBeDefined();
    await sleep(1500);
    proxy.restore();
    outage = false;
    await sleep(2000);
    running = false;
    await Promise.all(clients);

    const unexpected = seen.filter((s) => ![200, 201, 409, 503].includes(s.status));
    expect(unexpected).toEqual([]);
    const unavailable = seen.filter((s) => s.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((s) => s.code === 'SERVICE_UNAVAILABLE' && Number(s.retryAfter) > 0)).toBe(true);
    expect(seen.filter((s) => !s.during && s.status < 300).length).toBeGreaterThan(0);

    // Recovered: health, sign-in and a whole cycle work again, on the same process.
    await t.http().get('/health').expect(200);
    await signInAdmin(t);
    const { id } = await submit(t, a, 'workstation');
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(200);
    // Nothing half-done: every issued request has its certificate, every certificate its request's state.
    const [broken] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM requests r LEFT JOIN certificates c ON c.request_id = r.id
        WHERE (r.status IN ('Approved', 'Installed', 'Downloaded')) <> (c.serial IS NOT NULL)`,
    );
    expect(broken?.n).toBe(0);
  }, 60_000);
});

let csrCount = 0;
/** A workstation CSR with a fresh fingerprint (upper-case hex) as its CN. */
function csrFor(): Promise<string> {
  csrCount++;
  return makeCsr({
    cn: `${Date.now().toString(16).toUpperCase()}${csrCount.toString(16).toUpperCase().padStart(6, '0')}`,
  });
}
