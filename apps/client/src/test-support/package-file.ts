import { createServer, type AddressInfo } from 'node:net';
import type { ClientConfig } from '../client-config';

export const TOKEN = 'enr_test_token_0123456789abcdef';

/**
 * A package file as the API exports it (`ClientConfig` of @enroll/contract) for an API at `base`
 * and a mutual-TLS port at `mtls`. Unit tests point both at a closed port: what they exercise
 * happens before any call, and a call that should not happen fails with exit 3.
 */
export function packageFile(base: string, mtls: string, overrides: Partial<ClientConfig> = {}): ClientConfig {
  return {
    format: 'enroll-client-config/1',
    packageId: '3f1c2a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f',
    organization: { code: 'J1CFRA', name: 'France-LA POSTE', country: 'FR' },
    environment: 'Production',
    store: 'machine',
    kinds: ['workstation', 'server', 'mobile', 'external'],
    urls: {
      api: base,
      request: `${base}/api/v1/enrollment/requests`,
      revoke: `${mtls}/api/v1/enrollment/revoke`,
      test: `${mtls}/api/v1/enrollment/test`,
      caChain: `${base}/pki/ca.pem`,
    },
    token: TOKEN,
    ...overrides,
  };
}

/** A loopback port nothing listens on (fetch refuses "bad ports" such as 9 before trying). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A package whose services all sit on a closed port. */
export async function offlinePackage(overrides: Partial<ClientConfig> = {}): Promise<ClientConfig> {
  const port = await closedPort();
  return packageFile(`http://127.0.0.1:${port}`, `https://127.0.0.1:${port}`, overrides);
}
