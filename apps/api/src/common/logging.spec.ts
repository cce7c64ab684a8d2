import express from 'express';
import request from 'supertest';
import { createLogger, PinoNestLogger, requestLogger } from './logging';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

describe('logging', () => {
  it('logs a request as one JSON line with its credentials redacted', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ logLevel: 'debug' }, destination);
    const app = express()
      .use(requestLogger(logger))
      .get('/x', (_req, res) => {
        res.cookie('enroll_session', 'ens_secret-session').json({ ok: true });
      });
    await request(app)
      .get('/x')
      .set('authorization', 'Bearer enr_secret-token')
      .set('cookie', 'enroll_session=ens_secret')
      .set('x-csrf-token', 'csrf-secret')
      .expect(200);
    const text = JSON.stringify(lines);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 20, req: { method: 'GET', url: '/x' }, res: { statusCode: 200 } });
    expect(text).not.toMatch(/secret/);
    expect(text).toContain('[Redacted]');
  });

  it('logs client errors at info and server errors at error', async () => {
    const { lines, destination } = capture();
    const app = express()
      .use(requestLogger(createLogger({ logLevel: 'info' }, destination)))
      .get('/bad', (_req, res) => res.status(404).end())
      .get('/boom', (_req, res) => res.status(500).end())
      .get('/ok', (_req, res) => res.status(200).end());
    await request(app).get('/bad');
    await request(app).get('/boom');
    await request(app).get('/ok');
    expect(lines.map((l) => [l.level, (l.res as { statusCode: number }).statusCode])).toEqual([
      [30, 404],
      [50, 500],
    ]);
  });

  it("puts Nest's messages on the same logger, with their context, and never a password", () => {
    const { lines, destination } = capture();
    const nest = new PinoNestLogger(createLogger({ logLevel: 'info' }, destination));
    nest.log('started', 'Bootstrap');
    nest.warn({ password: 'hunter2', user: 'admin' }, 'Auth');
    expect(lines[0]).toMatchObject({ level: 30, context: 'Bootstrap', msg: 'started' });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    expect(lines[1]).toMatchObject({ level: 40, context: 'Auth', user: 'admin', password: '[Redacted]' });
    // As Nest's Logger passes them: the object, the caller's text, then the logger's context.
    nest.log({ tables: ['requests'] }, 'vacuumed and analyzed', 'DatabaseMaintenance');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    expect(lines[2]).toMatchObject({
      level: 30,
      context: 'DatabaseMaintenance',
      msg: 'vacuumed and analyzed',
      tables: ['requests'],
    });
    expect(lines[3]).toMatchObject({
      level: 50,
      context: 'ExceptionsHandler',
      msg: 'boom',
      trace: 'Error: boom\n    at x',
    });
  });
});
