import type { Context } from '../context';
import { EXIT, type ExitCode } from '../errors';
import { readEvents, type EventRecord } from '../event-log';
import { formatDate, renderTable, type Column } from '../table';

export interface LogOptions {
  readonly limit?: number;
}

const COLUMNS: readonly Column<EventRecord>[] = [
  { header: 'Date (UTC)', value: (e) => formatDate(e.at) },
  { header: 'Command', value: (e) => e.command },
  { header: 'Event', value: (e) => e.event },
  { header: 'Request Id', value: (e) => (e.requestId === undefined ? '' : String(e.requestId)), align: 'right' },
  { header: 'Details', value: (e) => e.message, cut: true },
];

/** `enroll log`: the last events of the client's event log, oldest first. */
export async function logCommand(ctx: Context, options: LogOptions): Promise<ExitCode> {
  const events = await readEvents(ctx.paths.eventLog, options.limit ?? 50);
  ctx.out.result({ file: ctx.paths.eventLog, events });
  ctx.out.text(
    events.length === 0 ? `The event log ${ctx.paths.eventLog} is empty.` : renderTable(COLUMNS, events, ctx.columns),
  );
  return EXIT.ok;
}
