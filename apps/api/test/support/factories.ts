import {
  generatePrivateKey,
  buildCsr,
  OID,
  keyUsageExtension,
  extendedKeyUsageExtension,
  type KeyAlgorithm,
  type NameAttribute,
} from '@enroll/pki';
import type { RequestKind } from '@enroll/domain';
import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';
import { ADMIN_PASSWORD } from './test-config';

export interface Session {
  readonly token: string;
  readonly auth: [string, string];
}

export async function signIn(t: TestApp, username: string, password: string): Promise<Session> {
  const response = await t.http().post('/api/v1/auth/login').send({ username, password }).expect(200);
  const token = (response.body as { accessToken: string }).accessToken;
  return { token, auth: ['Authorization', `Bearer ${token}`] };
}

export const signInAdmin = (t: TestApp): Promise<Session> => signIn(t, 'admin', ADMIN_PASSWORD);

/** A fresh organization code (tests share nothing). */
export const orgCode = (): string => `ORG${randomBytes(3).toString('hex').toUpperCase()}`;

export interface Tenant {
  readonly code: string;
  readonly packageToken: string;
  readonly packageId: string;
  readonly pkg: [string, string];
  readonly manager: Session;
}

/** An organization with a package (all kinds unless given) and a manager signed in. */
export async function createTenant(
  t: TestApp,
  admin: Session,
  options: { kinds?: RequestKind[]; store?: 'machine' | 'user' } = {},
): Promise<Tenant> {
  const code = orgCode();
  await t
    .http()
    .post('/api/v1/organizations')
    .set(...admin.auth)
    .send({ code, name: `Organization ${code}`, country: 'FR' })
    .expect(201);
  const created = await t
    .http()
    .post('/api/v1/packages')
    .set(...admin.auth)
    .send({
      organizationCode: code,
      environment: 'Production',
      store: options.store ?? 'machine',
      kinds: options.kinds ?? ['workstation', 'server', 'mobile', 'external'],
    })
    .expect(201);
  const body = created.body as { token: string; id: string };
  const username = `mgr-${code.toLowerCase()}`;
  await t
    .http()
    .post('/api/v1/users')
    .set(...admin.auth)
    .send({ username, password: 'manager password 123', role: 'manager', organizationCode: code })
    .expect(201);
  return {
    code,
    packageToken: body.token,
    packageId: body.id,
    pkg: ['Authorization', `Bearer ${body.token}`],
    manager: await signIn(t, username, 'manager password 123'),
  };
}

const FINGERPRINT = (): string => randomBytes(12).toString('hex').toUpperCase();

/** A CN that fits the kind's profile. */
export function commonNameFor(kind: RequestKind): string {
  switch (kind) {
    case 'workstation':
      return FINGERPRINT();
    case 'mobile':
      return `IMEI-${randomBytes(6).toString('hex')}`;
    case 'server':
    case 'external':
      return `srv-${randomBytes(4).toString('hex')}.example.org`;
  }
}

const keys = new Map<KeyAlgorithm, ReturnType<typeof generatePrivateKey>>();
/** One key per algorithm per test file: key generation is not what these tests are about. */
const keyFor = (algorithm: KeyAlgorithm): ReturnType<typeof generatePrivateKey> => {
  let key = keys.get(algorithm);
  if (!key) {
    key = generatePrivateKey(algorithm);
    keys.set(algorithm, key);
  }
  return key;
};

export async function makeCsr(options: {
  cn: string;
  kind?: RequestKind;
  algorithm?: KeyAlgorithm;
  freshKey?: boolean;
  extra?: NameAttribute[];
}): Promise<string> {
  const algorithm = options.algorithm ?? 'EC-P256';
  const privateKey = options.freshKey ? await generatePrivateKey(algorithm) : await keyFor(algorithm);
  const isRsa = algorithm.startsWith('RSA');
  const extensions =
    options.kind === 'external'
      ? [
          keyUsageExtension(
            isRsa ? ['digitalSignature', 'keyEncipherment', 'dataEncipherment'] : ['digitalSignature', 'keyAgreement'],
          ),
          extendedKeyUsageExtension([OID.serverAuth]),
        ]
      : [];
  return buildCsr({
    privateKey,
    subject: [
      { oid: OID.localityName, value: 'Paris' },
      ...(options.extra ?? []),
      { oid: OID.commonName, value: options.cn },
    ],
    extensions,
  });
}

/** Submits a request through a package and returns its id. */
export async function submit(
  t: TestApp,
  tenant: Pick<Tenant, 'pkg'>,
  kind: RequestKind,
  options: { cn?: string; freshKey?: boolean; expect?: number; requestedBy?: string } = {},
): Promise<{ id: number; status: string; cn: string }> {
  const cn = options.cn ?? commonNameFor(kind);
  const response = await t
    .http()
    .post('/api/v1/enrollment/requests')
    .set(...tenant.pkg)
    .send({
      kind,
      csr: await makeCsr({ cn, kind, ...(options.freshKey ? { freshKey: true } : {}) }),
      requestedBy: options.requestedBy ?? 'DOMAIN\\tester',
      phone: '+33 1 23',
      description: 'test',
      device: { machineName: 'PC-1', macAddress: '00:1A:2B:3C:4D:5E' },
    })
    .expect(options.expect ?? 201);
  const body = response.body as { id: number; status: string };
  return { id: body.id, status: body.status, cn };
}

/** A supertest parser that keeps binary bodies (DER, PKCS #7, PKCS #12) as Buffers. */
export function binary(
  response: import('superagent').Response,
  done: (error: Error | null, body: Buffer) => void,
): void {
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
