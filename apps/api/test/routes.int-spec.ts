import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ACCESS_KEY, DEFAULT_ACCESS, type Access } from '../src/common/access.decorators';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const describeAccess = (access: Access): string =>
  access.kind === 'user' ? `user:${[...access.roles].sort().join('+')}` : access.kind;

/** Every route of the API and who may call it. Adding a route means adding it here, on purpose. */
const EXPECTED: Record<string, string> = {
  'GET /health': 'public',
  'GET /downloads/enroll.cjs': 'public',
  'GET /pki/ca.pem': 'public',
  'GET /pki/issuing-ca.crt': 'public',
  'GET /pki/root-ca.crt': 'public',
  'GET /pki/root.crl': 'public',
  'GET /pki/crl': 'public',
  'GET /api/v1/enrollment/test': 'device',
  'POST /api/v1/enrollment/revoke': 'device',
  'POST /api/v1/enrollment/renew': 'device',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/login/certificate': 'device',
  'POST /api/v1/auth/password': 'user:admin+manager',
  'POST /api/v1/auth/logout': 'user:admin+manager',
  'GET /api/v1/auth/me': 'user:admin+manager',
  'GET /api/v1/auth/preferences': 'user:admin+manager',
  'PUT /api/v1/auth/preferences': 'user:admin+manager',
  'POST /api/v1/organizations': 'user:admin',
  'GET /api/v1/organizations': 'user:admin',
  'POST /api/v1/users': 'user:admin',
  'GET /api/v1/users': 'user:admin',
  'POST /api/v1/users/:id/certificate': 'user:admin',
  'GET /api/v1/users/:id/certificates': 'user:admin',
  'POST /api/v1/users/:id/disable': 'user:admin',
  'POST /api/v1/users/:id/enable': 'user:admin',
  'POST /api/v1/users/:id/password': 'user:admin',
  'DELETE /api/v1/users/:id/sign-in-limits': 'user:admin',
  'POST /api/v1/packages': 'user:admin',
  'GET /api/v1/packages': 'user:admin',
  'POST /api/v1/packages/:id/disable': 'user:admin',
  'GET /api/v1/audit': 'user:admin',
  'GET /api/v1/audit/export.csv': 'user:admin',
  'GET /api/v1/dashboard': 'user:admin+manager',
  'POST /api/v1/enrollment/requests': 'package',
  'GET /api/v1/enrollment/requests': 'package',
  'GET /api/v1/enrollment/requests/:id': 'package',
  'GET /api/v1/enrollment/requests/:id/certificate': 'package',
  'POST /api/v1/enrollment/requests/:id/installed': 'package',
  'GET /api/v1/requests': 'user:admin+manager',
  'GET /api/v1/requests/counts': 'user:admin+manager',
  'GET /api/v1/requests/:id': 'user:admin+manager',
  'POST /api/v1/requests/:id/approve': 'user:admin+manager',
  'POST /api/v1/requests/:id/reject': 'user:admin+manager',
  'POST /api/v1/requests/:id/revoke': 'user:admin+manager',
  'GET /api/v1/certificates': 'user:admin+manager',
  'GET /api/v1/certificates/expiring': 'user:admin+manager',
  'GET /api/v1/certificates/:serial': 'user:admin+manager',
  'GET /api/v1/certificates/:serial/download': 'user:admin+manager',
  'POST /api/v1/certificates/:serial/revoke': 'user:admin+manager',
  // EST (RFC 7030): the package token (Basic) or the current certificate; refused on the HTTP port.
  'GET /.well-known/est/cacerts': 'public',
  'GET /.well-known/est/:label/cacerts': 'public',
  'GET /.well-known/est/csrattrs': 'public',
  'GET /.well-known/est/:label/csrattrs': 'public',
  'POST /.well-known/est/simpleenroll': 'public',
  'POST /.well-known/est/:label/simpleenroll': 'public',
  'POST /.well-known/est/simplereenroll': 'device',
  'POST /.well-known/est/:label/simplereenroll': 'device',
  // SCEP (RFC 8894): the challenge password in the CSR, or the signing certificate, is the credential.
  'GET /scep': 'public',
  'POST /scep': 'public',
  'GET /scep/:kind': 'public',
  'POST /scep/:kind': 'public',
  'POST /api/v1/webhooks': 'user:admin',
  'GET /api/v1/webhooks': 'user:admin',
  'DELETE /api/v1/webhooks/:id': 'user:admin',
  'GET /api/v1/webhooks/:id/deliveries': 'user:admin',
  'GET /api/v1/notifications/settings': 'user:admin+manager',
  'GET /api/v1/notifications/recent': 'user:admin+manager',
};

// Served on the HTTP server ahead of Express, public by design (pki/ocsp-endpoint.ts): POST /pki/ocsp, GET /pki/ocsp/*.

describe('route inventory', () => {
  it('lists every route with its guard, and they are exactly the expected ones', () => {
    const controllers = [...t.app.get(ModulesContainer).values()].flatMap((module) => [...module.controllers.values()]);
    const scanner = new MetadataScanner();
    const reflector = t.app.get(Reflector);
    const found: Record<string, string> = {};
    for (const wrapper of controllers) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      const type = wrapper.metatype;
      if (!instance || !type) {
        continue;
      }
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const handler = instance[name] as (...args: unknown[]) => unknown;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) {
          continue;
        }
        const full = `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
        const access = reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [handler, type]) ?? DEFAULT_ACCESS;
        found[`${RequestMethod[method]} ${full}`] = describeAccess(access);
      }
    }
    console.log(
      Object.entries(found)
        .map(([route, guard]) => `${route.padEnd(55)} ${guard}`)
        .join('\n'),
    );
    expect(found).toEqual(EXPECTED);
  });
});

describe('the OpenAPI document', () => {
  it('lists every path of docs/api.md, the OCSP endpoint included', async () => {
    const document = (await t.http().get('/api/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    const paths = Object.keys(document.paths);
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/organizations',
      '/api/v1/users/{id}/certificate',
      '/api/v1/packages/{id}/disable',
      '/api/v1/audit',
      '/api/v1/enrollment/requests',
      '/api/v1/enrollment/requests/{id}/certificate',
      '/api/v1/enrollment/requests/{id}/installed',
      '/api/v1/requests/{id}/approve',
      '/api/v1/certificates/{serial}/download',
      '/pki/ca.pem',
      '/pki/crl',
      '/pki/root.crl',
      '/pki/ocsp',
      '/pki/ocsp/{request}',
      '/api/v1/enrollment/test',
      '/api/v1/enrollment/revoke',
      '/api/v1/enrollment/renew',
      '/health',
    ]) {
      expect(paths).toContain(path);
    }
  });
});
