import type { INestApplication } from '@nestjs/common';
import type { RequestListener } from 'node:http';
import { createServer, type Server } from 'node:https';
import { isIP } from 'node:net';
import { certificatesToPem, generatePrivateKey } from '@enroll/pki';
import type { AppConfig } from '../config/app-config';
import { AuthorityService, CaService, subjectKeyOf } from '../authority';

/**
 * The HTTPS port that asks for client certificates. Its server certificate is issued by the
 * issuing CA at start-up (TLS server profile, SAN: the public URL's host, localhost, 127.0.0.1).
 * It accepts any client certificate at the TLS layer (rejectUnauthorized: false) so that the
 * device strategy can say exactly what is wrong with one, instead of a bare handshake failure.
 */
export async function startMtlsServer(
  app: INestApplication,
  config: AppConfig,
  port = config.mtlsPort,
): Promise<Server> {
  const ca = app.get(CaService);
  const authority = app.get(AuthorityService);
  const host = new URL(config.publicUrl).hostname;
  const key = await generatePrivateKey('EC-P256');
  const dnsNames = ['localhost', ...(isIP(host) || host === 'localhost' ? [] : [host])];
  const ipAddresses = ['127.0.0.1', ...(isIP(host) === 4 && host !== '127.0.0.1' ? [host] : [])];
  // Stored and audited like every certificate the CA signs (and so `good` by OCSP).
  const issued = await authority.issue(
    'tls-server',
    { commonName: dnsNames[dnsNames.length - 1] ?? 'localhost', dnsNames, ipAddresses },
    subjectKeyOf(key),
    {},
    { name: 'system', type: 'system' },
    new Date(),
  );
  // The same Express app serves both ports; routes of the mTLS port are guarded by the device strategy.
  const handler = app.getHttpAdapter().getInstance() as RequestListener;
  const server = createServer(
    {
      key: key.export({ format: 'pem', type: 'pkcs8' }),
      cert: certificatesToPem([issued.der, ca.ca.issuing.der]),
      ca: [certificatesToPem([ca.ca.issuing.der, ca.ca.root.der])],
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    handler,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.host, () => resolve());
  });
  return server;
}
