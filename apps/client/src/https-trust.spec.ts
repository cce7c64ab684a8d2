import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CertificateAuthority } from '@enroll/pki';
import { ApiClient } from './api-client';
import type { ClientConfig } from './client-config';
import { ensureCaChain, loadCaChain } from './config-store';
import { CliError } from './errors';
import { httpFetch } from './http-fetch';
import { clientPaths, type ClientPaths } from './paths';
import { DEVICE, scratch } from './test-support/harness';
import { packageFile, TOKEN } from './test-support/package-file';
import { issueFor, makeTestCa } from './test-support/test-ca';

/**
 * Package files name https addresses for requests and the CA chain (issue 13). The chain is the
 * trust anchor and cannot vouch for the server that hands it out: it is fetched without checking
 * the server and accepted only if it ends with the package's root (caFingerprint); from then on
 * the token goes only to a server whose certificate that chain verifies. Real TLS servers here,
 * with certificates from real CAs of the CA library.
 */
const files = scratch();
let ours: CertificateAuthority;
let stranger: CertificateAuthority;
/** Serves ours.chainPem under a certificate of `ours` (the service) or of `stranger` (someone in the way). */
const servers: Record<'service' | 'impostor', { server: Server; base: string; seen: string[] }> = {} as never;
let n = 0;

const sha256 = (pem: string): string =>
  createHash('sha256').update(new X509Certificate(pem).raw).digest('hex').toUpperCase();
const chainPart = (ca: CertificateAuthority, i: 0 | 1): string =>
  ca.chainPem.split(/(?<=-----END CERTIFICATE-----\n)/)[i] ?? '';
const rootOf = (ca: CertificateAuthority): string => chainPart(ca, 1);

async function tlsServer(issuer: CertificateAuthority): Promise<{ server: Server; base: string; seen: string[] }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leaf = await issueFor(issuer, 'tls-server', publicKey, {
    commonName: 'localhost',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const seen: string[] = [];
  const server = createServer(
    {
      key: privateKey.export({ format: 'pem', type: 'pkcs8' }),
      cert: leaf.pem + chainPart(issuer, 0),
    },
    (req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      if (req.url === '/pki/ca.pem') {
        res.writeHead(200, { 'content-type': 'application/pem-certificate-chain' }).end(ours.chainPem);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [], nextCursor: null }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

beforeAll(async () => {
  [ours, stranger] = await Promise.all([makeTestCa(), makeTestCa()]);
  servers.service = await tlsServer(ours);
  servers.impostor = await tlsServer(stranger);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map(({ server }) => new Promise((resolve) => server.close(resolve))));
  files.cleanup();
});

/** A package whose request, CA chain and mutual-TLS URLs are all on `base`, and a client for it with its own folder. */
function clientFor(base: string, overrides: Partial<ClientConfig> = {}): { api: ApiClient; paths: ClientPaths } {
  const config = packageFile(base, base, { caFingerprint: sha256(rootOf(ours)), ...overrides });
  const home = files.path(`home-${++n}`);
  const paths = clientPaths({ ENROLL_HOME: home }, home);
  const api: ApiClient = new ApiClient(config, httpFetch, 5_000, () =>
    ensureCaChain(paths, () => api.fetchCaChain(), config.caFingerprint, config.urls.caChain),
  );
  return { api, paths };
}

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return error instanceof CliError ? `${error.code}: ${error.message}` : String(error);
  }
};

describe('https addresses in the package file', () => {
  it('fetches the CA chain from the TLS port, accepts it by the root fingerprint, then sends the token to a server it verifies', async () => {
    const { api, paths } = clientFor(servers.service.base);
    await expect(api.listRequests('WS\\alice')).resolves.toEqual([]);
    expect(await loadCaChain(paths)).toBe(ours.chainPem);
    expect(servers.service.seen.slice(-2)).toEqual([
      'GET /pki/ca.pem -',
      `GET /api/v1/enrollment/requests?limit=100&requestedBy=WS%5Calice Bearer ${TOKEN}`,
    ]);
  });

  it('refuses a chain that does not end with the package’s root, and sends nothing else', async () => {
    const before = servers.service.seen.length;
    const { api, paths } = clientFor(servers.service.base, { caFingerprint: sha256(rootOf(stranger)) });
    expect(await codeOf(api.listRequests())).toMatch(/^CA_FINGERPRINT_MISMATCH: /);
    expect(await loadCaChain(paths)).toBeUndefined();
    expect(servers.service.seen.slice(before)).toEqual(['GET /pki/ca.pem -']);
  });

  it('never sends the token to a server in the way that relays the right chain under another CA’s certificate', async () => {
    const before = servers.impostor.seen.length;
    const { api } = clientFor(servers.impostor.base);
    const outcome = await codeOf(
      api.submit({
        kind: 'workstation',
        csr: 'x',
        requestedBy: 'WS\\alice',
        phone: '',
        description: '',
        device: DEVICE,
      }),
    );
    expect(outcome).toMatch(
      /^NETWORK_ERROR: Cannot reach https:\/\/127\.0\.0\.1:\d+\/api\/v1\/enrollment\/requests: .*certificate/i,
    );
    // The chain itself was fetched (and was the right one); nothing carrying the token arrived.
    expect(servers.impostor.seen.slice(before)).toEqual(['GET /pki/ca.pem -']);
  });

  it('checks any other https address (a proxy’s) against the system’s trust store, not the package’s chain', async () => {
    const { api, paths } = clientFor(servers.service.base);
    await api.listRequests();
    expect(await loadCaChain(paths)).toBe(ours.chainPem);
    // Requests on the service's port, mutual TLS elsewhere: the chain no longer vouches for the request URL.
    const elsewhere = packageFile(servers.service.base, 'https://127.0.0.1:1', { caFingerprint: sha256(rootOf(ours)) });
    const proxied: ApiClient = new ApiClient(elsewhere, httpFetch, 5_000, () =>
      ensureCaChain(paths, () => proxied.fetchCaChain(), elsewhere.caFingerprint, elsewhere.urls.caChain),
    );
    expect(await codeOf(proxied.listRequests())).toMatch(/^NETWORK_ERROR: .*(certificate|self-signed|issuer)/i);
  });
});
