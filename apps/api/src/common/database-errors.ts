/** The PostgreSQL error under TypeORM's QueryFailedError (driverError), or the error itself. */
interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
  severity?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
}

function driverError(error: unknown): DriverError | undefined {
  const e = error as { driverError?: DriverError } | null | undefined;
  if (e === null || e === undefined || typeof e !== 'object') {
    return undefined;
  }
  return e.driverError ?? (e as DriverError);
}

/** The name of the unique constraint a PostgreSQL error violated, if it is one (SQLSTATE 23505). */
export function uniqueViolation(error: unknown): string | undefined {
  const source = driverError(error);
  return source?.code === '23505' && typeof source.constraint === 'string' ? source.constraint : undefined;
}

/** Socket errors of the driver when the server is gone or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** What node-postgres says when a connection dies or cannot be made (it sets no code then). */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Connection ended',
  'the database system is starting up',
  'the database system is shutting down',
];

/**
 * Whether an error says the database cannot be reached now, rather than that the statement or
 * its data is wrong: SQLSTATE class 08 (connection exception), 57P01-57P03 (the server is
 * shutting down, crashed or not yet accepting connections), 53300 (too many connections), the
 * driver's socket errors, and its connection messages. Such an error is a 503 with Retry-After
 * (the request may be repeated), never a 401 or a 500.
 */
export function databaseUnavailable(error: unknown, depth = 0): boolean {
  const source = driverError(error);
  if (!source || depth > 3) {
    return false;
  }
  const code = typeof source.code === 'string' ? source.code : '';
  if (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300' ||
    NETWORK_CODES.has(code)
  ) {
    return true;
  }
  const message = typeof source.message === 'string' ? source.message : '';
  if (DRIVER_MESSAGES.some((m) => message.includes(m))) {
    return true;
  }
  // AggregateError (several addresses refused) and wrapped causes.
  const nested = error as { errors?: unknown; cause?: unknown };
  if (Array.isArray(nested.errors) && nested.errors.some((e) => databaseUnavailable(e, depth + 1))) {
    return true;
  }
  return nested.cause !== undefined && nested.cause !== error && databaseUnavailable(nested.cause, depth + 1);
}

/**
 * Whether PostgreSQL refused a value (SQLSTATE class 22, data exception: a number out of range,
 * text that is not a uuid, a character it cannot store): the input's fault, so a 400, even where
 * validation did not foresee it.
 */
export function dataException(error: unknown): boolean {
  const code = driverError(error)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/** Whether two transactions collided (serialization failure, deadlock): worth retrying. */
export function transactionConflict(error: unknown): boolean {
  const code = driverError(error)?.code;
  return code === '40001' || code === '40P01';
}

/**
 * A database error as it may be logged: the SQLSTATE, the statement's text and where it failed,
 * never the bound parameters (TypeORM's QueryFailedError carries them) nor the server's `detail`
 * (which quotes the values, "Key (username)=(...)"). Quoted values in the message are elided.
 */
export function loggableDatabaseError(error: unknown): Record<string, unknown> | undefined {
  const e = error as { driverError?: unknown; query?: unknown; name?: unknown; stack?: unknown } | null | undefined;
  const source = driverError(error);
  const isDatabase =
    e?.driverError !== undefined || (typeof source?.code === 'string' && typeof source.severity === 'string');
  if (!isDatabase || !source) {
    return undefined;
  }
  const message = typeof source.message === 'string' ? source.message.replace(/"[^"]*"/g, '"…"') : undefined;
  return {
    type: typeof e?.name === 'string' ? e.name : 'DatabaseError',
    code: source.code,
    message,
    constraint: source.constraint,
    table: source.table,
    column: source.column,
    routine: source.routine,
    query: typeof e?.query === 'string' ? e.query : undefined,
    stack: typeof e?.stack === 'string' ? e.stack.split('\n').slice(1).join('\n') : undefined,
  };
}
