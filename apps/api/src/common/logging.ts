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
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', 'password', '*.password', 'passphrase', '*.passphrase'],
  };
  return destination ? pino(options, destination) : pino(options);
}

/** One log line per request: successes at debug (serializing every call costs a third of a fast one). */
export function requestLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'info' : 'debug'),
  });
}

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace';

/**
 * Nest's LoggerService on pino: the context becomes a field, so lines stay one JSON object each.
 * An object message is merged as fields, not printed as text, so the redaction paths apply to it.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace ? { trace } : {});
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  private write(level: Level, message: unknown, context: string | undefined, extra: Record<string, string> = {}): void {
    const base = { ...(context ? { context } : {}), ...extra };
    if (message instanceof Error) {
      this.logger[level]({ ...base, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...base, ...message });
    } else {
      this.logger[level](base, String(message));
    }
  }
}
