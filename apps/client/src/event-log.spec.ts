import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { appendEvent, EVENT_LOG_MAX_BYTES, readEvents, redact, toLogLine } from './event-log';
import { scratch } from './test-support/harness';

const files = scratch();
afterAll(() => {
  files.cleanup();
});

const NOW = new Date('2026-11-24T12:00:00Z');

describe('the event log', () => {
  const keyPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const keyBody = keyPem.split('\n')[1] ?? '';

  it('never holds a private key, a token or a bearer header, even when a caller passes one', () => {
    const line = toLogLine(
      {
        command: 'submit',
        event: 'oops',
        message: `key ${keyPem} token enr_abcdef0123456789 header Bearer enr_xyz and ${'QUJD'.repeat(60)}`,
      },
      NOW,
    );
    expect(line).not.toContain('PRIVATE KEY-----');
    expect(line).not.toContain(keyBody);
    expect(line).not.toContain('enr_abcdef0123456789');
    expect(line).not.toContain('enr_xyz');
    expect(line).not.toContain('QUJDQUJD');
    expect(JSON.parse(line)).toEqual({
      at: '2026-11-24T12:00:00.000Z',
      command: 'submit',
      event: 'oops',
      message: 'key [PRIVATE KEY removed]\n token enr_[removed] header Bearer [removed] and [data removed]',
    });
  });

  it('removes a PEM block cut short, and leaves ordinary text alone', () => {
    expect(redact(`-----BEGIN EC PRIVATE KEY-----\n${keyBody}`)).toBe('[EC PRIVATE KEY removed]');
    expect(redact('Installed certificate 7F3A in /etc/enroll/certs/request-12.')).toBe(
      'Installed certificate 7F3A in /etc/enroll/certs/request-12.',
    );
  });

  it('appends JSON lines in a private file and reads the last ones back', async () => {
    const path = files.path('events.log');
    for (let i = 1; i <= 3; i++) {
      await appendEvent(path, { command: 'get', event: 'installed', message: `installed ${i}`, requestId: i }, NOW);
    }
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"torn":`, { flag: 'w' });
    expect((await readEvents(path, 2)).map((e) => e.requestId)).toEqual([2, 3]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('rotates past its size limit, keeping one older generation', async () => {
    const path = files.path('big.log');
    writeFileSync(path, `${'x'.repeat(EVENT_LOG_MAX_BYTES + 1)}\n`);
    await appendEvent(path, { command: 'status', event: 'listed', message: 'fresh' }, NOW);
    expect((await readEvents(path, 10)).map((e) => e.message)).toEqual(['fresh']);
    expect(statSync(`${path}.1`).size).toBeGreaterThan(EVENT_LOG_MAX_BYTES);
  });
});
