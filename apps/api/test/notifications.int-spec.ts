import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OID } from '@enroll/pki';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { CertificatesRepository } from '../src/authority';
import { DATABASE_TARGET, type DatabaseTarget } from '../src/database/database-options';
import { NotificationWorker } from '../src/notifications/notification-worker';
import { WebhooksService } from '../src/notifications/webhooks.service';
import { startTestApp, type TestApp } from './support/test-app';
import {
  commonNameFor,
  createTenant,
  makeCsr,
  signInAdmin,
  submit,
  type Session,
  type Tenant,
} from './support/factories';
import { testConfig } from './support/test-config';

// A real SMTP server inside the test (no STARTTLS offered: nodemailer uses it when it is).
const mails: ParsedMail[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((parsed) => {
        mails.push(parsed);
        callback();
      })
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
  },
});

// A real HTTP receiver of webhooks: answers `statuses` in turn, then 204.
interface Hook {
  headers: IncomingHttpHeaders;
  raw: string;
}
const hooks: Hook[] = [];
let statuses: number[] = [];
const receiver: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    hooks.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
    res.statusCode = statuses.shift() ?? 204;
    res.end();
  });
});

const SECRET = 'a webhook secret for the tests';
let t: TestApp;
let worker: NotificationWorker;
let smtpEnv: Record<string, string>;
let hookUrl: string;
let admin: Session;
let a: Tenant;
let b: Tenant;

const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown }): Promise<void> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });

const managerName = (tenant: Tenant): string => `mgr-${tenant.code.toLowerCase()}`;
const mailsTo = (address: string): ParsedMail[] =>
  mails.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((to) => to?.text.includes(address)));
/** A webhook to the test's receiver, signed with SECRET, made by the administrator; its id. */
const createWebhook = async (event: string): Promise<string> =>
  (
    (
      await t
        .http()
        .post('/api/v1/webhooks')
        .set(...admin.auth)
        .send({ url: hookUrl, events: [event], secret: SECRET })
        .expect(201)
    ).body as { id: string }
  ).id;

const until = async (what: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) {
      throw new Error('timed out');
    }
    await new Promise((r) => setTimeout(r, 25));
  }
};

beforeAll(async () => {
  await listen(smtp.server);
  await listen(receiver);
  smtpEnv = {
    ENROLL_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    ENROLL_MAIL_FROM: 'enroll@ca.test',
  };
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await startTestApp({ env: smtpEnv });
  worker = t.app.get(NotificationWorker);
  // The tests drive the worker's passes themselves (tick), except where said.
  await worker.stop();
  admin = await signInAdmin(t);
  a = await createTenant(t, admin);
  b = await createTenant(t, admin);
  await t.db.query(`UPDATE users SET email = $2, language = 'fr' WHERE username = $1`, [
    managerName(a),
    `${managerName(a)}@a.test`,
  ]);
  await t.db.query(`UPDATE users SET email = $2 WHERE username = $1`, [managerName(b), `${managerName(b)}@b.test`]);
  await t.db.query(`UPDATE users SET email = 'admin@ca.test' WHERE username = 'admin'`);
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => receiver.close(() => r()));
});
beforeEach(() => {
  mails.length = 0;
  hooks.length = 0;
  statuses = [];
});

async function submitWithEmail(tenant: Tenant, email: string): Promise<number> {
  const cn = commonNameFor('workstation');
  const csr = await makeCsr({
    cn,
    kind: 'workstation',
    freshKey: true,
    extra: [{ oid: OID.emailAddress, value: email }],
  });
  const response = await t
    .http()
    .post('/api/v1/enrollment/requests')
    .set(...tenant.pkg)
    .send({
      kind: 'workstation',
      csr,
      requestedBy: 'DOMAIN\\tester',
      phone: '+33 1 23',
      description: 'test',
      device: { machineName: 'PC-1', macAddress: '00:1A:2B:3C:4D:5E' },
    });
  if (response.status !== 201) {
    throw new Error(response.text);
  }
  return (response.body as { id: number }).id;
}

const outboxOf = (requestId: number): Promise<{ event: string }[]> =>
  t.db.query(`SELECT event FROM notification_outbox WHERE request_id = $1 ORDER BY id`, [requestId]);

describe('notifications', () => {
  it('a pending request mails its organization managers in their language, with a link, and no one else', async () => {
    const request = await submit(t, a, 'workstation', { freshKey: true });
    expect(request.status).toBe('Pending');
    expect(await outboxOf(request.id)).toEqual([{ event: 'request.pending' }]);
    await worker.tick();
    await until(() => mails.length >= 1);
    const [mail] = mailsTo(`${managerName(a)}@a.test`);
    expect(mail?.subject).toBe(`Enroll : la demande ${request.id} attend votre décision`);
    expect(mail?.text).toContain(`http://127.0.0.1:3000/requests/${request.id}`);
    expect(mail?.html).toContain(`href="http://127.0.0.1:3000/requests/${request.id}"`);
    expect(mail?.from?.text).toBe('enroll@ca.test');
    expect(mail?.messageId).toMatch(/^<enroll-delivery-\d+@ca\.test>$/);
    expect(mail?.headers.get('enroll-event')).toBe('request.pending');
    expect(mails).toHaveLength(1);
    expect(mailsTo('b.test')).toHaveLength(0);
  });

  it('a server request waits for the administrators: they are mailed, the managers are not', async () => {
    const request = await submit(t, a, 'server', { freshKey: true });
    expect(request.status).toBe('Pending');
    await worker.tick();
    await until(() => mails.length >= 1);
    expect(mails.map((m) => m.to && !Array.isArray(m.to) && m.to.text)).toEqual(['admin@ca.test']);
    expect(mails[0]?.subject).toBe(`Enroll: request ${request.id} awaits your decision`);
  });

  it("an approval mails the e-mail of the request's subject", async () => {
    const id = await submitWithEmail(a, 'alice@a.test');
    await worker.tick();
    mails.length = 0;
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(200);
    expect((await outboxOf(id)).map((r) => r.event)).toEqual(['request.pending', 'request.approved']);
    await worker.tick();
    await until(() => mails.length >= 1);
    expect(mails.map((m) => m.to && !Array.isArray(m.to) && m.to.text)).toEqual(['alice@a.test']);
    expect(mails[0]?.subject).toBe(`Enroll: request ${id} approved`);
    expect(mails[0]?.text).toContain('Serial number: ');
  });

  it('a rejection mails the subject with the reason; a known person in French', async () => {
    await t.db.query(`UPDATE users SET email = 'bob@a.test' WHERE username = $1`, [managerName(a)]);
    try {
      const id = await submitWithEmail(a, 'BOB@a.test');
      await worker.tick();
      mails.length = 0;
      await t
        .http()
        .post(`/api/v1/requests/${id}/reject`)
        .set(...a.manager.auth)
        .send({ reason: 'Not our device' })
        .expect(200);
      await worker.tick();
      await until(() => mails.length >= 1);
      expect(mails[0]?.subject).toBe(`Enroll : demande ${id} refusée`);
      expect(mails[0]?.text).toContain('Motif : Not our device');
    } finally {
      await t.db.query(`UPDATE users SET email = $2 WHERE username = $1`, [managerName(a), `${managerName(a)}@a.test`]);
    }
  });

  it('webhooks: http(s) only, admin only, listed without the secret', async () => {
    await t
      .http()
      .post('/api/v1/webhooks')
      .set(...admin.auth)
      .send({ url: 'ftp://x.test/', events: ['request.pending'], secret: SECRET })
      .expect(400);
    await t
      .http()
      .post('/api/v1/webhooks')
      .set(...admin.auth)
      .send({ url: 'file:///etc/passwd', events: ['request.pending'], secret: SECRET })
      .expect(400);
    await t
      .http()
      .post('/api/v1/webhooks')
      .set(...admin.auth)
      .send({ url: hookUrl, events: ['nope'], secret: SECRET })
      .expect(400);
    await t
      .http()
      .post('/api/v1/webhooks')
      .set(...a.manager.auth)
      .send({ url: hookUrl, events: ['request.pending'], secret: SECRET })
      .expect(403);
    const created = await t
      .http()
      .post('/api/v1/webhooks')
      .set(...admin.auth)
      .send({ url: hookUrl, events: ['request.pending'], secret: SECRET })
      .expect(201);
    const list = await t
      .http()
      .get('/api/v1/webhooks')
      .set(...admin.auth)
      .expect(200);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    expect((list.body as { items: { id: string }[] }).items.map((w) => w.id)).toContain(
      (created.body as { id: string }).id,
    );
    await t
      .http()
      .delete(`/api/v1/webhooks/${(created.body as { id: string }).id}`)
      .set(...admin.auth)
      .expect(204);
    await t
      .http()
      .delete(`/api/v1/webhooks/${(created.body as { id: string }).id}`)
      .set(...admin.auth)
      .expect(404);
    const settings = await t
      .http()
      .get('/api/v1/notifications/settings')
      .set(...a.manager.auth)
      .expect(200);
    expect(settings.body).toEqual({ mail: { enabled: true, from: 'enroll@ca.test' } });
  });

  it('a revocation fires the webhook, signed with its secret', async () => {
    const webhookId = await createWebhook('certificate.revoked');
    try {
      const request = await submit(t, a, 'workstation', { freshKey: true });
      await t
        .http()
        .post(`/api/v1/requests/${request.id}/approve`)
        .set(...a.manager.auth)
        .send({})
        .expect(200);
      await t
        .http()
        .post(`/api/v1/requests/${request.id}/revoke`)
        .set(...a.manager.auth)
        .send({ reason: 'superseded' })
        .expect(200);
      await worker.tick();
      await until(() => hooks.length >= 1);
      expect(hooks).toHaveLength(1);
      const [hook] = hooks;
      const expected = `sha256=${createHmac('sha256', SECRET)
        .update(hook?.raw ?? '')
        .digest('hex')}`;
      expect(hook?.headers['enroll-signature']).toBe(expected);
      const body = JSON.parse(hook?.raw ?? '{}') as {
        id: string;
        event: string;
        at: string;
        data: Record<string, unknown>;
      };
      expect(body).toMatchObject({
        event: 'certificate.revoked',
        data: { requestId: request.id, reason: 'superseded' },
      });
      expect(body.id).toMatch(/^\d+$/);
      expect(hook?.headers['enroll-delivery']).toMatch(/^\d+$/);
      const deliveries = await t
        .http()
        .get(`/api/v1/webhooks/${webhookId}/deliveries`)
        .set(...admin.auth)
        .expect(200);
      expect((deliveries.body as { items: unknown[] }).items).toEqual([
        expect.objectContaining({ event: 'certificate.revoked', status: 'sent', attempts: 1 }),
      ]);
    } finally {
      await t
        .http()
        .delete(`/api/v1/webhooks/${webhookId}`)
        .set(...admin.auth)
        .expect(204);
    }
  });

  it('keeps a webhook secret sealed under the CA passphrase; one stored in clear before is sealed, and still signs', async () => {
    const made = await createWebhook('request.pending');
    // A webhook as a database from before sealing holds it: the secret as given.
    const [legacy] = await t.db.query<{ id: string }[]>(
      `INSERT INTO webhooks (url, events, secret, created_by) VALUES ($1, $2, $3, 'admin') RETURNING id`,
      [hookUrl, ['request.pending'], 'a secret stored in clear'],
    );
    try {
      const stored = async (id: string | undefined): Promise<string> =>
        (await t.db.query<{ secret: string }[]>(`SELECT secret FROM webhooks WHERE id = $1`, [id]))[0]?.secret ?? '';
      const sealed = await stored(made);
      expect(sealed).toMatch(/^enc1:[\w-]+:[\w-]+:[\w-]+$/);
      for (const form of ['utf8', 'base64', 'base64url', 'hex'] as const) {
        expect(sealed).not.toContain(Buffer.from(SECRET).toString(form).replace(/=+$/, ''));
      }
      // Each start seals what is still in clear (and nothing twice).
      const service = t.app.get(WebhooksService);
      expect(await service.sealStoredSecrets()).toBe(1);
      expect(await service.sealStoredSecrets()).toBe(0);
      expect(await stored(legacy?.id)).toMatch(/^enc1:/);
      expect(await stored(made)).toBe(sealed);

      await submit(t, a, 'workstation', { freshKey: true });
      await worker.tick();
      await until(() => hooks.length >= 2);
      // One delivery to each webhook, each signed with its own secret, as given.
      const signedWith = hooks.map(
        (hook) =>
          [SECRET, 'a secret stored in clear'].find(
            (secret) =>
              hook.headers['enroll-signature'] ===
              `sha256=${createHmac('sha256', secret).update(hook.raw).digest('hex')}`,
          ) ?? 'no secret of ours',
      );
      expect(signedWith.sort()).toEqual(['a secret stored in clear', SECRET].sort());
    } finally {
      await t.db.query(`DELETE FROM webhooks WHERE id = ANY ($1)`, [[made, legacy?.id]]);
    }
  });

  it('retries a failed webhook with exponential back-off until a 2xx', async () => {
    const webhookId = await createWebhook('request.pending');
    const base = worker.retryBaseMs;
    worker.retryBaseMs = 400;
    try {
      statuses = [500, 503];
      await submit(t, a, 'workstation', { freshKey: true });
      await worker.tick();
      expect(hooks).toHaveLength(1);
      const due = async (): Promise<{ attempts: number; status: string; wait: number; last_error: string | null }> => {
        const [row] = await t.db.query<{ attempts: number; status: string; wait: number; last_error: string | null }[]>(
          `SELECT attempts, status, last_error, (extract(epoch FROM due_at - last_attempt_at) * 1000)::float8 AS wait FROM notification_deliveries WHERE webhook_id = $1`,
          [webhookId],
        );
        return row ?? { attempts: 0, status: '', wait: 0, last_error: null };
      };
      expect(await due()).toMatchObject({ attempts: 1, status: 'pending', last_error: 'HTTP 500' });
      expect((await due()).wait).toBeGreaterThanOrEqual(390);
      expect((await due()).wait).toBeLessThan(1500);
      await worker.tick(); // not due yet
      expect(hooks).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 450));
      await worker.tick();
      expect(hooks).toHaveLength(2);
      expect(await due()).toMatchObject({ attempts: 2, status: 'pending', last_error: 'HTTP 503' });
      expect((await due()).wait).toBeGreaterThanOrEqual(790); // doubled
      await new Promise((r) => setTimeout(r, 850));
      await worker.tick();
      expect(hooks).toHaveLength(3);
      expect(await due()).toMatchObject({ attempts: 3, status: 'sent', last_error: null });
      // The same event each time: the receiver can recognise a repeat by the body's id.
      expect(new Set(hooks.map((h) => (JSON.parse(h.raw) as { id: string }).id)).size).toBe(1);
    } finally {
      worker.retryBaseMs = base;
      await t
        .http()
        .delete(`/api/v1/webhooks/${webhookId}`)
        .set(...admin.auth)
        .expect(204);
    }
  });

  it('loses nothing between commit and delivery: a worker started later delivers', async () => {
    const request = await submit(t, b, 'workstation', { freshKey: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(mails).toHaveLength(0); // no worker ran
    const later = new NotificationWorker(
      t.db,
      new CertificatesRepository(t.db),
      testConfig(smtpEnv),
      t.app.get<DatabaseTarget>(DATABASE_TARGET),
    );
    later.pollMs = 50;
    later.start();
    try {
      await until(() => mails.length >= 1);
      expect(mailsTo(`${managerName(b)}@b.test`)[0]?.subject).toBe(
        `Enroll: request ${request.id} awaits your decision`,
      );
    } finally {
      await later.onApplicationShutdown();
    }
  });

  it('two workers deliver each notification once', async () => {
    const webhookId = await createWebhook('request.pending');
    const one = new NotificationWorker(
      t.db,
      new CertificatesRepository(t.db),
      testConfig(smtpEnv),
      t.app.get<DatabaseTarget>(DATABASE_TARGET),
    );
    const two = new NotificationWorker(
      t.db,
      new CertificatesRepository(t.db),
      testConfig(smtpEnv),
      t.app.get<DatabaseTarget>(DATABASE_TARGET),
    );
    one.batch = 3;
    two.batch = 3;
    try {
      const ids: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        ids.push((await submit(t, b, 'workstation', { freshKey: true })).id);
      }
      await Promise.all([one.tick(), two.tick(), one.tick(), two.tick()]);
      await until(() => mails.length >= 12 && hooks.length >= 12);
      await new Promise((r) => setTimeout(r, 200));
      expect(mails).toHaveLength(12);
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(12);
      expect(hooks).toHaveLength(12);
      expect(new Set(hooks.map((h) => (JSON.parse(h.raw) as { data: { requestId: number } }).data.requestId))).toEqual(
        new Set(ids),
      );
    } finally {
      await one.onApplicationShutdown();
      await two.onApplicationShutdown();
      await t
        .http()
        .delete(`/api/v1/webhooks/${webhookId}`)
        .set(...admin.auth)
        .expect(204);
    }
  });

  it('the expiry scan writes once per certificate and threshold, one process at a time', async () => {
    const id = await submitWithEmail(a, 'carol@a.test');
    await t
      .http()
      .post(`/api/v1/requests/${id}/approve`)
      .set(...a.manager.auth)
      .send({})
      .expect(200);
    await worker.tick();
    mails.length = 0;
    await t.db.query(`UPDATE certificates SET not_after = now() + interval '20 days' WHERE request_id = $1`, [id]);
    const expiring = (): Promise<{ dedupe_key: string }[]> =>
      t.db.query(
        `SELECT dedupe_key FROM notification_outbox WHERE event = 'certificate.expiring' AND request_id = $1 ORDER BY id`,
        [id],
      );
    await Promise.all([worker.scanExpiries(), worker.scanExpiries()]);
    await worker.scanExpiries();
    expect((await expiring()).map((r) => r.dedupe_key)).toEqual([expect.stringMatching(/^expiring:[0-9A-F]+:30$/)]);
    await worker.tick();
    await until(() => mails.length >= 2);
    expect(mailsTo('carol@a.test')[0]?.subject).toMatch(/^Enroll: certificate \S+ expires in 30 days$/);
    expect(mailsTo(`${managerName(a)}@a.test`)[0]?.subject).toMatch(
      /^Enroll : le certificat \S+ expire dans 30 jours$/,
    );
    await t.db.query(`UPDATE certificates SET not_after = now() + interval '5 days' WHERE request_id = $1`, [id]);
    await worker.scanExpiries();
    await worker.scanExpiries();
    expect((await expiring()).map((r) => r.dedupe_key.split(':')[2])).toEqual(['30', '7']);
  });

  it('without ENROLL_SMTP_URL nothing is mailed: the deliveries are skipped', async () => {
    const quiet = new NotificationWorker(
      t.db,
      new CertificatesRepository(t.db),
      testConfig(),
      t.app.get<DatabaseTarget>(DATABASE_TARGET),
    );
    expect(quiet.mailEnabled).toBe(false);
    const request = await submit(t, a, 'workstation', { freshKey: true });
    await quiet.tick();
    const rows: { status: string }[] = await t.db.query(
      `SELECT d.status FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.outbox_id WHERE o.request_id = $1`,
      [request.id],
    );
    expect(rows).toEqual([{ status: 'skipped' }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(mails).toHaveLength(0);
  });
  it("a person sets its own address, language and digest; other people's stay as they were", async () => {
    const mine = await t
      .http()
      .get('/api/v1/auth/preferences')
      .set(...a.manager.auth)
      .expect(200);
    expect(mine.body).toEqual({ email: `${managerName(a)}@a.test`, language: 'fr', mailDigest: false });
    for (const bad of [{ language: 'de' }, { email: 'not an address' }, { mailDigest: 'yes' }]) {
      const refused = await t
        .http()
        .put('/api/v1/auth/preferences')
        .set(...a.manager.auth)
        .send(bad)
        .expect(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    const changed = await t
      .http()
      .put('/api/v1/auth/preferences')
      .set(...a.manager.auth)
      .send({ language: 'en' })
      .expect(200);
    expect(changed.body).toEqual({ email: `${managerName(a)}@a.test`, language: 'en', mailDigest: false });
    const audit: { actor: string; details: Record<string, unknown> }[] = await t.db.query(
      `SELECT actor, details FROM audit_events WHERE action = 'user.preferences.change' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toEqual([{ actor: managerName(a), details: { language: 'en' } }]);
    const others: { language: string; email: string }[] = await t.db.query(
      `SELECT language, email FROM users WHERE username = $1`,
      [managerName(b)],
    );
    expect(others).toEqual([{ language: 'en', email: `${managerName(b)}@b.test` }]);
    await t
      .http()
      .put('/api/v1/auth/preferences')
      .set(...a.manager.auth)
      .send({ language: 'fr' })
      .expect(200);
  });

  it('a manager who chose the digest gets nothing at once, then one mail at the digest hour with every event', async () => {
    await t
      .http()
      .put('/api/v1/auth/preferences')
      .set(...b.manager.auth)
      .send({ mailDigest: true, language: 'fr' })
      .expect(200);
    try {
      const first = await submit(t, b, 'workstation', { freshKey: true });
      const second = await submit(t, b, 'workstation', { freshKey: true });
      await worker.tick();
      await new Promise((r) => setTimeout(r, 200));
      expect(mailsTo('b.test')).toHaveLength(0);
      const held: { due_at: Date }[] = await t.db.query(
        `SELECT due_at FROM notification_deliveries WHERE recipient = $1 AND status = 'pending' AND digest`,
        [`${managerName(b)}@b.test`],
      );
      expect(held).toHaveLength(2);
      for (const row of held) {
        // The next digest hour (07:00 UTC by default), within a day.
        expect(new Date(row.due_at).getUTCHours()).toBe(7);
        expect(new Date(row.due_at).getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
        expect(new Date(row.due_at).getTime()).toBeGreaterThan(Date.now());
      }

      // The digest hour comes.
      await t.db.query(`UPDATE notification_deliveries SET due_at = now() WHERE status = 'pending' AND digest`);
      await worker.tick();
      await until(() => mailsTo('b.test').length >= 1);
      await worker.tick();
      const digest = mailsTo('b.test');
      expect(digest).toHaveLength(1);
      expect(digest[0]?.subject).toBe('Enroll : 2 notifications du jour');
      expect(digest[0]?.text).toContain(`http://127.0.0.1:3000/requests/${first.id}`);
      expect(digest[0]?.text).toContain(`http://127.0.0.1:3000/requests/${second.id}`);
      expect(digest[0]?.messageId).toMatch(/^<enroll-digest-\d+@ca\.test>$/);
      const sent: { status: string }[] = await t.db.query(
        `SELECT DISTINCT status FROM notification_deliveries WHERE recipient = $1 AND digest`,
        [`${managerName(b)}@b.test`],
      );
      expect(sent).toEqual([{ status: 'sent' }]);
    } finally {
      await t
        .http()
        .put('/api/v1/auth/preferences')
        .set(...b.manager.auth)
        .send({ mailDigest: false, language: 'en' })
        .expect(200);
    }
  });
  it('a committed event wakes the worker at once: with its poll an hour away, the mail still comes', async () => {
    const poll = worker.pollMs;
    worker.pollMs = 3_600_000;
    worker.start();
    try {
      await worker.kick();
      mails.length = 0;
      const request = await submit(t, a, 'workstation', { freshKey: true });
      await until(() => mailsTo(`${managerName(a)}@a.test`).length >= 1);
      expect(mailsTo(`${managerName(a)}@a.test`)[0]?.subject).toContain(String(request.id));
    } finally {
      await worker.stop();
      worker.pollMs = poll;
    }
  });
});
