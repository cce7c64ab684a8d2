import os from 'node:os';
import { ApiClient, type FetchFunction } from './api-client';
import type { ClientConfig } from './client-config';
import { ensureCaChain, loadConfig } from './config-store';
import { collectDeviceInfo } from './device-info';
import { errorMessage, UsageError } from './errors';
import { appendEvent } from './event-log';
import { defaultRequester, type DeviceInfo } from './fingerprint';
import { httpFetch } from './http-fetch';
import { clientPaths, type ClientPaths, type Env } from './paths';
import { terminalPrompter, type Prompter, type Reader } from './prompt';

/** Anything with `write(text)`: process.stdout, a test's buffer. */
export interface Writer {
  write(chunk: string): unknown;
  /** A terminal's (process.stdout when it is one): tables are fitted to its width. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** What `run` needs from its host: main.ts passes the process's, tests their own. */
export interface RunOptions {
  readonly env: Env;
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Default process.cwd(): relative paths in arguments resolve against it. */
  readonly cwd?: string;
  /** Default the system clock. */
  readonly now?: () => Date;
  /** Default os.homedir(). */
  readonly homedir?: string;
  /** Default the real detection (device-info.ts). */
  readonly collectDevice?: () => Promise<DeviceInfo>;
  /** Default httpFetch (node:http), which starts faster than the global fetch. */
  readonly fetch?: FetchFunction;
  /** process.stdin in main.ts: when it is a terminal, commands may ask for what is missing. */
  readonly stdin?: Reader;
}

// C0 controls but tab and line feed, DEL, C1 controls (CSI 0x9B included), after whole ANSI
// escape sequences: text from the server (a rejection reason) must not drive the terminal.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text without terminal escape sequences and control characters (tab and line feed are kept). */
export const stripControl = (text: string): string => text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');

/**
 * Where a command's output goes. Human text and the --json document both go to stdout, never
 * together; progress and warnings go to stderr, so that `--json` output stays parseable.
 */
export class Output {
  constructor(
    private readonly stdout: Writer,
    private readonly stderr: Writer,
    readonly json: boolean,
  ) {}

  /** Human-readable text (skipped under --json). */
  text(text: string): void {
    if (!this.json) {
      const clean = stripControl(text);
      this.stdout.write(clean.endsWith('\n') ? clean : `${clean}\n`);
    }
  }

  /** The --json document of the command (skipped without --json). */
  result(value: unknown): void {
    if (this.json) {
      this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    }
  }

  /** A long step starts: on stderr, in every mode. */
  progress(message: string): void {
    this.stderr.write(`${stripControl(message)}...\n`);
  }

  /** A child process's output (the --exec hook): on stderr, as it comes. */
  passthrough(text: string): void {
    this.stderr.write(text);
  }

  warn(message: string): void {
    this.stderr.write(`Warning: ${stripControl(message)}\n`);
  }

  error(message: string): void {
    this.stderr.write(`Error: ${stripControl(message)}\n`);
  }
}

/** Everything a command reads or writes outside its arguments. */
export interface Context {
  readonly env: Env;
  readonly out: Output;
  readonly paths: ClientPaths;
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  readonly timeoutMs: number;
  readonly command: string;
  /**
   * The width tables must fit in: the terminal's, else $COLUMNS; undefined (no limit) when the
   * output goes to a file or a pipe, so that lines stay whole for grep.
   */
  readonly columns: number | undefined;
  /** A person at a terminal can be asked (stdin is a TTY, and not --json). */
  readonly interactive: boolean;
  /** Questions on stderr, answers from stdin; only when `interactive`. */
  prompter(): Prompter;
  now(): Date;
  collectDevice(): Promise<DeviceInfo>;
  /** `DOMAIN\user` of whoever runs the client, unless --requested-by says otherwise. */
  requester(override: string | undefined): string;
  config(): Promise<ClientConfig>;
  api(config: ClientConfig): ApiClient;
  /** Appends to the event log; a log that cannot be written never fails the command. */
  log(event: string, message: string, requestId?: number): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function terminalColumns(stdout: Writer, env: Env): number | undefined {
  if (stdout.isTTY === true && typeof stdout.columns === 'number' && stdout.columns > 0) {
    return stdout.columns;
  }
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

export function createContext(options: RunOptions, command: string, json: boolean): Context {
  const env = options.env;
  const out = new Output(options.stdout, options.stderr, json);
  const paths = clientPaths(env, options.homedir ?? os.homedir());
  const now = options.now ?? ((): Date => new Date());
  const timeout = Number(env.ENROLL_TIMEOUT_MS);
  const timeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS;
  const fetchFunction = options.fetch ?? httpFetch;
  return {
    env,
    out,
    paths,
    cwd: options.cwd ?? process.cwd(),
    platform: process.platform,
    timeoutMs,
    command,
    columns: terminalColumns(options.stdout, env),
    interactive: options.stdin?.isTTY === true && !json,
    prompter: () => {
      if (!options.stdin) {
        throw new UsageError('NOT_INTERACTIVE', 'This command needs a terminal to ask its questions.');
      }
      return terminalPrompter(options.stdin, options.stderr);
    },
    now,
    collectDevice: options.collectDevice ?? ((): Promise<DeviceInfo> => collectDeviceInfo(env)),
    requester: (override) =>
      override ??
      defaultRequester({
        platform: process.platform,
        hostname: os.hostname(),
        username: os.userInfo().username,
        userDomain: env.USERDOMAIN,
      }),
    config: () => loadConfig(paths),
    api: (config) => {
      const client: ApiClient = new ApiClient(config, fetchFunction, timeoutMs, () =>
        ensureCaChain(paths, () => client.fetchCaChain(), config.caFingerprint, config.urls.caChain),
      );
      return client;
    },
    log: async (event, message, requestId) => {
      try {
        await appendEvent(
          paths.eventLog,
          { command, event, message, ...(requestId === undefined ? {} : { requestId }) },
          now(),
        );
      } catch (error) {
        out.warn(`the event log ${paths.eventLog} cannot be written (${errorMessage(error)}).`);
      }
    },
  };
}
