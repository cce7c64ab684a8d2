import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch } from './http-fetch';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      if (request.url === '/redirect') {
        response.writeHead(302, { location: '/elsewhere' }).end();
      } else if (request.url === '/slow') {
        setTimeout(() => response.end('late'), 500);
      } else {
        response.writeHead(request.url === '/missing' ? 404 : 200, 'Custom', { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            method: request.method,
            auth: request.headers.authorization ?? null,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('httpFetch', () => {
  it('sends method, headers and body, and reads status and text', async () => {
    const response = await httpFetch(`${base}/x`, {
      method: 'POST',
      headers: { authorization: 'Bearer t' },
      body: '{"a":1}',
    });
    expect(response).toMatchObject({ ok: true, status: 200, statusText: 'Custom' });
    expect(JSON.parse(await response.text())).toEqual({ method: 'POST', auth: 'Bearer t', body: '{"a":1}' });
  });

  it('reports refusals as not ok, and never follows a redirect', async () => {
    expect(await httpFetch(`${base}/missing`)).toMatchObject({ ok: false, status: 404 });
    expect(await httpFetch(`${base}/redirect`, { redirect: 'error' })).toMatchObject({ ok: false, status: 302 });
  });

  it('fails with the socket error code when nothing listens, and with AbortError on timeout', async () => {
    await expect(httpFetch('http://127.0.0.1:1/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(httpFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
