import { appendFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir, PRIVATE_DIR, PRIVATE_FILE, readTextIfExists } from './fs-util';

/** One line of the event log: what was done, for support. Never key material, never the token. */
export interface EventRecord {
  readonly at: string;
  readonly command: string;
  readonly event: string;
  readonly message: string;
  readonly requestId?: number;
  readonly exitCode?: number;
}

/** The log is rotated once past this size; one older generation (`events.log.1`) is kept. */
export const EVENT_LOG_MAX_BYTES = 1024 * 1024;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(?:-----END \1-----|$)/g;
const TOKEN = /\benr_[A-Za-z0-9_.~+/=-]+/g;
const BEARER = /\bBearer\s+\S+/gi;
// Any long run of base64 or hex is either key material or noise a support engineer cannot use.
const LONG_BLOB = /[A-Za-z0-9+/=_-]{120,}/g;

/**
 * Removes what must never reach the log even if a caller passes it by mistake: PEM blocks
 * (private keys above all), package tokens, bearer headers and long encoded blobs.
 */
export function redact(text: string): string {
  return text
    .replace(PEM_BLOCK, (_block, label: string) => `[${label} removed]`)
    .replace(BEARER, 'Bearer [removed]')
    .replace(TOKEN, 'enr_[removed]')
    .replace(LONG_BLOB, '[data removed]');
}

/** The record as it is written: every text field redacted, the timestamp from `now`. */
export function toLogLine(record: Omit<EventRecord, 'at'>, now: Date): string {
  const line: EventRecord = {
    at: now.toISOString(),
    command: redact(record.command),
    event: redact(record.event),
    message: redact(record.message),
    ...(record.requestId === undefined ? {} : { requestId: record.requestId }),
    ...(record.exitCode === undefined ? {} : { exitCode: record.exitCode }),
  };
  return `${JSON.stringify(line)}\n`;
}

/** Appends one record (JSON Lines), creating the client folder if needed. */
export async function appendEvent(path: string, record: Omit<EventRecord, 'at'>, now: Date): Promise<void> {
  await ensureDir(dirname(path), PRIVATE_DIR);
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size > EVENT_LOG_MAX_BYTES) {
    await rename(path, `${path}.1`);
  }
  await appendFile(path, toLogLine(record, now), { mode: PRIVATE_FILE });
}

const isRecord = (value: unknown): value is EventRecord =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<EventRecord>).at === 'string' &&
  typeof (value as Partial<EventRecord>).command === 'string' &&
  typeof (value as Partial<EventRecord>).message === 'string';

/** The last `limit` records, oldest first. Lines that are not records (a torn write) are skipped. */
export async function readEvents(path: string, limit: number): Promise<EventRecord[]> {
  const text = (await readTextIfExists(path)) ?? '';
  const records: EventRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    try {
      const value: unknown = JSON.parse(line);
      if (isRecord(value)) {
        records.push(value);
      }
    } catch {
      // A line cut short by a crash is not worth failing `enroll log` for.
    }
  }
  return records.slice(Math.max(0, records.length - limit));
}
