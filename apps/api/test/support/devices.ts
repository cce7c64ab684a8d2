import type { KeyObject } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { buildCsr, generatePrivateKey, OID, type KeyAlgorithm } from '@enroll/pki';
import type { TestApp } from './test-app';
import { commonNameFor, type Session, type Tenant } from './factories';

export interface Device {
  readonly id: number;
  readonly cn: string;
  readonly key: KeyObject;
  readonly certificatePem: string;
  readonly serial: string;
}

/** A device with an installed certificate: key on the device, request, approval (by `approver`), install. */
export async function enrolledDevice(
  t: TestApp,
  tenant: Tenant,
  approver: Session,
  kind: 'workstation' | 'server' = 'workstation',
  algorithm: KeyAlgorithm = 'EC-P256',
): Promise<Device> {
  const key = await generatePrivateKey(algorithm);
  const cn = commonNameFor(kind);
  const csr = buildCsr({ privateKey: key, subject: [{ oid: OID.commonName, value: cn }] });
  const submitted = await t
    .http()
    .post('/api/v1/enrollment/requests')
    .set(...tenant.pkg)
    .send({ kind, csr, requestedBy: 'DOMAIN\\dev', description: 'renewal test' })
    .expect(201);
  const id = (submitted.body as { id: number }).id;
  const approved = await t
    .http()
    .post(`/api/v1/requests/${id}/approve`)
    .set(...approver.auth)
    .send({})
    .expect(200);
  const certificatePem = (
    await t
      .http()
      .get(`/api/v1/enrollment/requests/${id}/certificate?format=pem`)
      .set(...tenant.pkg)
      .expect(200)
  ).text;
  await t
    .http()
    .post(`/api/v1/enrollment/requests/${id}/installed`)
    .set(...tenant.pkg)
    .expect(200);
  return {
    id,
    cn,
    key,
    certificatePem,
    serial: (approved.body as { certificate: { serialNumber: string } }).certificate.serialNumber,
  };
}

/** A CSR for a renewal: the same CN (or another, to test the refusal), the given key. */
export const renewalCsr = (key: KeyObject, cn: string): string =>
  buildCsr({
    privateKey: key,
    subject: [
      { oid: OID.localityName, value: 'Paris' },
      { oid: OID.commonName, value: cn },
    ],
  });

/** POST /api/v1/enrollment/renew over mutual TLS with a device's certificate and key, as the enroll client does. */
export function renewOverMtls(
  port: number,
  caPem: string,
  device: Pick<Device, 'key' | 'certificatePem'>,
  csr: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ csr });
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/enrollment/renew',
        method: 'POST',
        ca: caPem,
        cert: device.certificatePem,
        key: device.key.export({ format: 'pem', type: 'pkcs8' }),
        servername: 'localhost',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
