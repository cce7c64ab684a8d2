import { startTestApp, tableCounts, type TestApp } from './support/test-app';
import { createTenant, signInAdmin, submit, type Session, type Tenant } from './support/factories';
import { ADMIN_PASSWORD } from './support/test-config';

/**
 * The JSON routes take JSON only: a body sent as text/plain, a form or XML is answered 415
 * problem+json and nothing is done, even where every field is optional (an approval's comment,
 * the certificate sign-in's password). Without this, such a body was read as no body at all: a
 * form posted by another site (text/plain needs no CORS preflight) would have acted with `{}`.
 */
let t: TestApp;
let admin: Session;
let a: Tenant;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
});
afterAll(async () => {
  await t.close();
});

const NOT_JSON = [
  ['text/plain', '{"comment":"looks like JSON"}'],
  ['text/plain;charset=UTF-8', 'comment=hello'],
  ['application/x-www-form-urlencoded', 'comment=hello'],
  ['application/xml', '<comment>hello</comment>'],
  [
    'multipart/form-data; boundary=x',
    '--x\r\nContent-Disposition: form-data; name="comment"\r\n\r\nhello\r\n--x--\r\n',
  ],
] as const;

describe('a body that is not JSON on a JSON route', () => {
  it.each(NOT_JSON)('%s is 415 problem+json, and the approval does not happen', async (type, body) => {
    const { id } = await submit(t, a, 'workstation');
    const before = await tableCounts(t.db);
    const response = await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .set('content-type', type)
      .send(body)
      .expect(415);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await tableCounts(t.db)).toEqual(before);
    const request = await t
      .http()
      .get(`/api/v1/requests/${id}`)
      .set(...a.manager.auth)
      .expect(200);
    expect((request.body as { status: string }).status).toBe('Pending');
  });

  it('is 415 at sign-in too, before any credential is looked at', async () => {
    const response = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'text/plain')
      .send(JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }))
      .expect(415);
    expect(response.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('leaves JSON (with a charset), and calls with no body at all, as they were', async () => {
    const { id } = await submit(t, a, 'workstation');
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .set('content-type', 'application/json; charset=utf-8')
      .send('{"comment":"known device"}')
      .expect(200);
    // No body: a content type alone does not make one.
    const session = await signInAdmin(t);
    await t
      .http()
      .post('/api/v1/auth/logout')
      .set(...session.auth)
      .set('content-type', 'text/plain')
      .expect(204);
    // Outside /api/v1 the protocol doors keep their own media types (SCEP here).
    await t.http().get('/scep?operation=GetCACaps').expect(200);
  });
});
