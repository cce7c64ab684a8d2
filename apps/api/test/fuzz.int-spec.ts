import fc from 'fast-check';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, signInAdmin, type Session, type Tenant } from './support/factories';

/**
 * A property-based fuzz of every route (issue 15): whatever the path, query, body and content
 * type, as anyone, the API answers below 500 with problem+json for refusals, and nothing is
 * written. Routes and their fields come from the OpenAPI document, so a new route is fuzzed
 * without being listed here.
 */
let t: TestApp;
let admin: Session;
let a: Tenant;
let operations: Operation[];

interface Operation {
  readonly method: 'get' | 'post' | 'delete' | 'put' | 'patch';
  readonly path: string;
  readonly fields: string[];
  readonly query: string[];
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[];
        requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
      }
    >
  >;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

// Ends the caller's own session: fuzzed apart, it would sign the fuzz out.
const SKIPPED = new Set(['post /api/v1/auth/logout']);

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
  const document = (await t.http().get('/api/docs-json').expect(200)).body as OpenApi;
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => !SKIPPED.has(`${method} ${path}`))
      .map(([method, operation]) => {
        const ref = Object.values(operation.requestBody?.content ?? {})[0]
          ?.schema?.$ref?.split('/')
          .pop();
        const properties = ref ? Object.keys(document.components?.schemas?.[ref]?.properties ?? {}) : [];
        return {
          method: method as Operation['method'],
          path,
          fields: properties,
          query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        };
      }),
  );
});
afterAll(() => t.close());

/** Rows of every table but the sign-in counters (failed sign-ins are counted by design). */
async function counts(): Promise<Record<string, number>> {
  const tables = await t.db.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('login_throttle', 'typeorm_migrations')`,
  );
  const result: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    // A valid PUT /auth/preferences (say `{"mailDigest":true}`) is a person changing its own
    // settings: written and audited by design. Every other write still counts.
    const own = table === 'audit_events' ? ` WHERE action <> 'user.preferences.change'` : '';
    const [row] = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"${own}`);
    result[table] = row?.n ?? 0;
  }
  return result;
}

/** Text that breaks naive handling: lone surrogates, NULs, huge and odd numbers, traversal, injection. */
const nasty = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1e400',
  '-0',
  'NaN',
  'Infinity',
  '99999999999999999999999999',
  '0x10',
  '1.5',
  'true',
  'null',
  '[]',
  '{}',
  '\u0000',
  '\ud800',
  'a\udfffb',
  '../../etc/passwd',
  "' OR 1=1 --",
  '%',
  '%00',
  '__proto__',
  'constructor',
  'A'.repeat(70_000),
  'é'.repeat(300),
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF',
  '2026-13-45T99:99:99Z',
);
const text = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt().map((n) => n.toString()),
);
const value = fc.oneof(
  { depthSize: 'small' },
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }),
);

/** A JSON text: usually an object of the route's own fields, sometimes anything at all, raw. */
const body = (fields: string[]) =>
  fc.oneof(
    fc.record(Object.fromEntries(fields.map((f) => [f, value])), { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.constantFrom(
      '{"username":"\\ud800","password":"\\udc00\\ud800xxxxxxxxxxxx"}',
      '{"reason":"\\ud83d"}',
      '{"limit":1e400}',
      '{"password":123456789012345678901234567890}',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
      '{"__proto__":{"admin":true}}',
      '{',
      'null',
      '"text"',
      '[1,2]',
      '\u0000',
    ),
  );
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/xml',
  undefined,
);

/** A path parameter, percent-encoded as a client would send it (lone surrogates as raw bytes). */
const pathValue = fc
  .oneof(text, fc.integer().map(String), fc.constantFrom('%ED%A0%80', '%FF', '%2e%2e%2f', '%'))
  .map((v) => {
    try {
      // Longer request lines are Node's to refuse (431, before Express): not what is tested here.
      return v.startsWith('%') ? v : encodeURIComponent(v.slice(0, 300));
    } catch {
      return '%ED%A0%80';
    }
  });

const who = fc.constantFrom('anonymous', 'admin', 'manager', 'package');

function credential(name: string): [string, string] | undefined {
  switch (name) {
    case 'admin':
      return admin.auth;
    case 'manager':
      return a.manager.auth;
    case 'package':
      return a.pkg;
    default:
      return undefined;
  }
}

describe('a fuzz of every route', () => {
  it('reads the routes from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it('never answers 5xx, refuses with problem+json, and writes nothing', async () => {
    // What the API makes at first use, whoever asks: the CRL and this process's OCSP responder.
    await t.http().get('/pki/crl').expect(200);
    await t
      .http()
      .post('/pki/ocsp')
      .set('Content-Type', 'application/ocsp-request')
      .send(Buffer.from('warm-up'))
      .expect(200);
    const before = await counts();
    const sample = fc.nat().chain((i) => {
      const operation = operations[i % operations.length] as Operation;
      const parameters = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
      return fc.record({
        operation: fc.constant(operation),
        path: fc
          .tuple(...parameters.map(() => pathValue))
          .map((values) =>
            values.reduce<string>((p, v, k) => p.replace(`{${parameters[k] ?? ''}}`, v), operation.path),
          ),
        query: fc.dictionary(
          fc.oneof(fc.constantFrom(...operation.query, 'limit', 'cursor', 'format'), fc.string({ maxLength: 6 })),
          text.map((v) => v.slice(0, 200)),
          { maxKeys: 3 },
        ),
        body: body(operation.fields),
        contentType,
        who,
      });
    });
    await fc.assert(
      fc.asyncProperty(sample, async ({ operation, path, query, body: payload, contentType: type, who: caller }) => {
        const search = new URLSearchParams();
        for (const [k, v] of Object.entries(query)) {
          search.append(k.replace(/[\ud800-\udfff]/g, ''), v.replace(/[\ud800-\udfff]/g, ''));
        }
        let call = t.http()[operation.method](`${path}${search.size > 0 ? `?${search.toString()}` : ''}`);
        const auth = credential(caller);
        if (auth) {
          call = call.set(...auth);
        }
        if (operation.method !== 'get') {
          if (type) {
            call = call.set('Content-Type', type);
          }
          call = call.send(payload);
        }
        // pki/ocsp-endpoint.ts closes the connection on a body over its 16 KiB limit, without an answer.
        const oversizedOcsp = operation.path === '/pki/ocsp' && Buffer.byteLength(payload) > 16 * 1024;
        const response = await call.catch((error: unknown) => {
          if (oversizedOcsp) {
            return undefined;
          }
          throw error;
        });
        if (response === undefined) {
          return;
        }
        if (response.status >= 500) {
          throw new Error(
            `${operation.method.toUpperCase()} ${path} as ${caller} answered ${response.status}: ${JSON.stringify(response.body)}`,
          );
        }
        // SCEP (RFC 8894) is a protocol of its own: a malformed HTTP request gets a plain 4xx, its
        // clients read no problem+json. Everything else refuses with problem+json.
        if (response.status >= 400 && !path.startsWith('/scep')) {
          expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
        }
      }),
      {
        numRuns: 1500,
        endOnFailure: true,
        reporter: (details) => {
          if (details.failed) {
            throw new Error(
              `${String(details.errorInstance).slice(0, 2000)}\nseed ${details.seed}, path ${details.counterexamplePath ?? ''}\n${JSON.stringify(details.counterexample).slice(0, 2000)}`,
            );
          }
        },
      },
    );
    expect(await counts()).toEqual(before);
  }, 300_000);
});
