import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoHttp, { type HttpLogger } from 'pino-http';
import type { AppConfig } from '../config/app-config';

/**
 * Structured JSON logs with pino, without nestjs-pino: its AsyncLocalStorage turns on Node 20's
 * promise hooks for every promise of every request, which cost 7 % of the API's CPU in bench:api.
 * Request logs come from pino-http (req.log); Nest's own messages go to the same logger.
 */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    // Credentials never reach the log: tokens, cookies, CSRF tokens, passwords.
    redact: [
      'req.headers.authorization',
      'req.headers.cookie',
      'req.headers["x-csrf-token"]',
      'res.headers["set-cookie"]',
      'password',
      '*.password',
      'passphrase',
      '*.passphrase',
    ],
  };
  return destination ? pino(options, destination) : pino(options);
}

/** One log line per request: successes at debug (serializing every call costs a third of a fast one). */
export function requestLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'info' : 'debug',
  });
}

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace';

/**
 * Nest's LoggerService on pino: the context becomes a field, so lines stay one JSON object each.
 * An object message is merged as fields, not printed as text, so the redaction paths apply to it.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  // Nest's Logger calls these with the message, what the caller added, and its own context last:
  // logger.log({ tables }, 'vacuumed') arrives as log({ tables }, 'vacuumed', 'DatabaseMaintenance').
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const texts = params.filter((p): p is string => typeof p === 'string');
    const context = texts.length > 0 ? texts[texts.length - 1] : undefined;
    // Between the message and the context: the text given with an object, or Nest's stack trace.
    const between = texts.length > 1 ? texts.slice(0, -1).join('\n') : undefined;
    const base = context ? { context } : {};
    if (message instanceof Error) {
      this.logger[level]({ ...base, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...base, ...message }, between);
    } else {
      this.logger[level]({ ...base, ...(between ? { trace: between } : {}) }, String(message));
    }
  }
}
