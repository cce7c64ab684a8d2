import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { API_REVOCATION_REASONS } from '@enroll/domain';
import { externalCommand, type ExternalOptions } from './commands/external';
import { getCommand, type GetOptions } from './commands/get';
import { infoCommand, type InfoOptions } from './commands/info';
import { initCommand, type InitOptions } from './commands/init';
import { logCommand } from './commands/log';
import { renewCommand, type RenewOptions } from './commands/renew';
import { revokeCommand, type RevokeOptions } from './commands/revoke';
import { statusCommand, type StatusOptions } from './commands/status';
import { subjectCommand, type SubjectOptions } from './commands/subject';
import { submitCommand, type SubmitOptions } from './commands/submit';
import { testCommand, type TestOptions } from './commands/test';
import { createContext, type Context, type RunOptions } from './context';
import { CliError, errorField, errorMessage, EXIT, type ExitCode } from './errors';
import { appendEvent, redact } from './event-log';

export type { RunOptions } from './context';

export const VERSION = '0.1.0';

const HELP_FOOTER = `
Exit codes:
  0  success
  1  the operation failed or was refused (by the service, or by a local check before sending)
  2  usage or configuration error (bad option, no package loaded, invalid package file)
  3  a service could not be reached (the message names the URL)
  4  enroll get only: done, and news to act on, said this once: a request rejected or cancelled,
     or a certificate installed here revoked (the next run exits 0 unless there is more)

Environment:
  ENROLL_HOME           client folder (default ~/.enroll)
  ENROLL_MACHINE_STORE  machine store folder (default <client folder>/machine-store)
  ENROLL_USER_STORE     user store folder (default <client folder>/user-store)
  ENROLL_P12_PASSWORD   password of the PKCS #12 bundles (default: generated, saved beside each bundle)
  ENROLL_TIMEOUT_MS     network timeout in milliseconds (default 30000)
  ENROLL_EXEC           hook run after each install (as --exec; else "exec" in <client folder>/settings.json)
  ENROLL_RENEW_WHEN_REMAINING  when renew --if-due renews (as --renew-when-remaining)

Every command takes --json: one JSON document on stdout; progress and warnings go to stderr.`;

const SUBMIT_HELP = `
In a terminal, enroll submit asks for each required option that is missing (the read-only fields
shown first, as the original form does), then shows the service's dry run: the exact subject,
usages and validity, and the open request of yours it would replace, before asking to send it.
Without a terminal (a script, a pipe) or with --json, the options alone count: a missing required
one is a usage error (exit 2) that names them all.

Examples:
  enroll submit                                          fill in the form
  enroll submit --locality Paris --state Ile-de-France --email it@laposte.example \\
    --phone "+33 1 23 45 67 89" --description "Front desk PC, Paris 15"
  enroll submit --kind server --cn api.laposte.example ... --dry-run   check only, send nothing`;

const BROWSER_STORE_HELP =
  'a user package: do not add the certificate to this account\'s browser database ($HOME/.pki/nssdb and Firefox profiles, with certutil and pk12util; or "browserStore": false in settings.json)';
const TRUST_SYSTEM_HELP =
  'a machine package, as root: add the root CA to the system trust store (Debian, Ubuntu: /usr/local/share/ca-certificates/enroll-<organization>.crt, update-ca-certificates)';

const requestId = (value: string): number => {
  if (!/^\d{1,15}$/.test(value) || Number(value) <= 0) {
    throw new InvalidArgumentError('a request id is a positive whole number.');
  }
  return Number(value);
};

const positive = (value: string): number => {
  if (!/^\d{1,6}$/.test(value) || Number(value) <= 0) {
    throw new InvalidArgumentError('a positive whole number is expected.');
  }
  return Number(value);
};

type Handler = (ctx: Context) => Promise<ExitCode>;
type Execute = (command: Command, handler: Handler) => Promise<void>;

function buildProgram(options: RunOptions, execute: Execute): Command {
  const program = new Command('enroll')
    .description(
      "Enroll client: makes this device's key and certificate request, fetches, installs and tests its certificate.",
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (text) => options.stdout.write(text), writeErr: (text) => options.stderr.write(text) })
    .showHelpAfterError('(run `enroll --help` or `enroll <command> --help` for usage)')
    .addHelpText('after', HELP_FOOTER);
  const command = (name: string, description: string): Command =>
    program
      .command(name)
      .description(description)
      .option('--json', 'print one JSON document on stdout')
      .addHelpText('after', '\nExit codes: 0 success, 1 failed or refused, 2 usage or configuration, 3 network.');
  const requestedBy = (): Option =>
    new Option('--requested-by <name>', 'requester name (default DOMAIN\\user of this session)');

  command('init', 'load the enrollment package file exported by the portal')
    .argument('<package-file>', 'the package file (enroll-client-config/1)')
    .option('--force', 'replace another package that is already loaded')
    .action((file: string, opts: InitOptions, cmd: Command) => execute(cmd, (ctx) => initCommand(ctx, file, opts)));

  command('info', 'show the environment, the certificate store and the service URLs')
    .addOption(requestedBy())
    .action((opts: InfoOptions, cmd: Command) => execute(cmd, (ctx) => infoCommand(ctx, opts)));

  command('submit', 'make a key and a certificate request on this device and submit it')
    .addOption(
      new Option('--kind <kind>', 'what this device is')
        .choices(['workstation', 'server', 'mobile'])
        .default('workstation'),
    )
    .option(
      '--cn <name>',
      'common name: the DNS name of a server (default its FQDN), the id of a mobile device; a workstation uses its fingerprint',
    )
    .option('--locality <city>', '(required) locality (L)')
    .option('--state <state>', '(required) state or province (ST)')
    .option('--email <address>', '(required) e-mail address of the requester (emailAddress)')
    .addOption(
      new Option('--key-length <bits>', 'RSA: 2048 (default), 3072, 4096; EC: 256 (default), 384').choices([
        '2048',
        '3072',
        '4096',
        '256',
        '384',
      ]),
    )
    .addOption(new Option('--key-type <type>', 'key algorithm').choices(['rsa', 'ec']).default('rsa'))
    .option('--phone <phone>', '(required) phone number where the approver can reach the requester')
    .option('--description <text>', '(required) what this device is, so that the approver recognizes it')
    .addOption(requestedBy())
    .option('--dry-run', 'check the request with the service and show what would be created; submit nothing')
    .option('--yes', 'in a terminal, submit after the form without asking for a confirmation')
    .addHelpText('after', SUBMIT_HELP)
    .action((opts: SubmitOptions, cmd: Command) => execute(cmd, (ctx) => submitCommand(ctx, opts)));

  command('status', 'list the requests: Request Id, Status, Common Name, dates, requester, Enrollment Type')
    .option('--all', "every request of the package, not only this requester's")
    .addOption(requestedBy())
    .action((opts: StatusOptions, cmd: Command) => execute(cmd, (ctx) => statusCommand(ctx, opts)));

  command('get', 'refresh every request; install approved certificates, save approved external ones')
    .addOption(requestedBy())
    .option(
      '--p12-password <password>',
      'password of the PKCS #12 bundle (prefer ENROLL_P12_PASSWORD: the command line is visible to others)',
    )
    .option(
      '--exec <command>',
      'shell command run after each install, e.g. "systemctl reload nginx" (default: the exec setting)',
    )
    .option('--no-browser-store', BROWSER_STORE_HELP)
    .option('--trust-system', TRUST_SYSTEM_HELP)
    .addHelpText(
      'after',
      'Exit code 4: done, and a request was rejected or cancelled, or a certificate installed here revoked, since the last run.',
    )
    .action((opts: GetOptions, cmd: Command) => execute(cmd, (ctx) => getCommand(ctx, opts)));

  const RENEW_HELP = `
Renews over mutual TLS with the installed certificate: a new key is made on this device, the
service issues the new certificate at once (or a manager approves it first, if the package says
so), and it is installed at the same paths, which services are configured with once:

  <store>/current/fullchain.pem   certificate then chain (nginx ssl_certificate, Apache)
  <store>/current/key.pem         the private key (0600)
  <store>/current/cert.pem, chain.pem, bundle.p12 (Java, Windows, browsers)

\`current\` moves to the new certificate in one step once its files are complete; the previous
one stays in its own folder (still valid until it expires). The keys of superseded, cancelled
and rejected requests are removed after a grace period (keyGraceDays in settings.json, 14 days).
A renewal interrupted after the service answered is finished by the next \`enroll renew\` or
\`enroll get\`.

Examples:
  enroll renew                                 renew now
  enroll renew --if-due                        from a timer: only once a third of the lifetime is left
  enroll renew --if-due --renew-when-remaining 30d --exec "systemctl reload nginx"

Settings (<client folder>/settings.json), for timers:
  { "exec": "systemctl reload nginx", "renewWhenRemaining": "33%", "keyGraceDays": 14 }`;

  command('renew', 'renew the installed certificate over mutual TLS and install it at the same paths')
    .option('--if-due', 'do nothing until the certificate is due (safe to run from a timer)')
    .option(
      '--renew-when-remaining <share|days>',
      'when it is due: a share of the lifetime left (default 33%) or days left (e.g. 30d)',
    )
    .option(
      '--exec <command>',
      'shell command run after the install, e.g. "systemctl reload nginx" (default: the exec setting)',
    )
    .option('--request <id>', 'the request whose certificate to renew (default the current one)', requestId)
    .option('--p12-password <password>', 'password of the PKCS #12 bundle (prefer ENROLL_P12_PASSWORD)')
    .option('--no-browser-store', BROWSER_STORE_HELP)
    .option('--trust-system', TRUST_SYSTEM_HELP)
    .addHelpText('after', RENEW_HELP)
    .action((opts: RenewOptions, cmd: Command) => execute(cmd, (ctx) => renewCommand(ctx, opts)));

  command('test', 'test the installed certificate against the test service over mutual TLS')
    .option('--request <id>', 'the request whose certificate to test (default the latest installed)', requestId)
    .action((opts: TestOptions, cmd: Command) => execute(cmd, (ctx) => testCommand(ctx, opts)));

  command('subject', 'print the subject name of an installed certificate and copy it to the clipboard')
    .argument('[request-id]', 'the request (default the latest installed certificate)', requestId)
    .addOption(new Option('--format <format>', 'print only one form').choices(['windows', 'rfc4514']))
    .option('--no-clipboard', 'do not copy to the clipboard')
    .action((id: number | undefined, opts: SubjectOptions, cmd: Command) =>
      execute(cmd, (ctx) => subjectCommand(ctx, id, opts)),
    );

  command('external', 'submit a CSR made on another server (kind external)')
    .requiredOption('--csr <file>', 'the PEM CSR file')
    .option('--fqdn <name>', "the other server's FQDN (default the CSR's common name)")
    .option('--mac <address>', "(required) the other server's MAC address")
    .option('--nic <id>', "(required) the other server's network interface id")
    .option('--processor-id <id>', "(required) the other server's processor id")
    .option('--os-version <text>', "(required) the other server's operating system and version")
    .option('--os-type <bits>', '(required) 64 or 32 (-bit)')
    .option('--phone <phone>', '(required) phone number where the approver can reach the requester')
    .option('--description <text>', '(required) what the server is, so that the approver recognizes it')
    .option('--yes', 'in a terminal, submit after the form without asking for a confirmation')
    .addOption(requestedBy())
    .addHelpText(
      'after',
      "\nIn a terminal, the other server's details that the options leave out are asked for, after the CSR is\nshown and checked; without one, every missing option is named in one usage error (exit 2).",
    )
    .action((opts: ExternalOptions, cmd: Command) => execute(cmd, (ctx) => externalCommand(ctx, opts)));

  command('revoke', "revoke this device's certificate over mutual TLS")
    .addOption(
      new Option('--reason <reason>', 'RFC 5280 reason').choices([...API_REVOCATION_REASONS]).makeOptionMandatory(),
    )
    .option('--request <id>', 'the request whose certificate to revoke (default the latest installed)', requestId)
    .action((opts: RevokeOptions, cmd: Command) => execute(cmd, (ctx) => revokeCommand(ctx, opts)));

  command('log', "show the client's event log")
    .option('--limit <n>', 'how many of the last events (default 50)', positive)
    .action((opts: { limit?: number }, cmd: Command) => execute(cmd, (ctx) => logCommand(ctx, opts)));

  return program;
}

/**
 * A file-system refusal (EACCES, EPERM) said in words with the path, as a configuration problem
 * (exit 2): it is repaired by running as the right account or fixing the folder, not by retrying.
 */
export function permissionError(error: unknown): CliError | undefined {
  const code = errorField(error, 'code');
  if (code !== 'EACCES' && code !== 'EPERM') {
    return undefined;
  }
  const path = errorField(error, 'path');
  const where = typeof path === 'string' ? path : 'a file of the client';
  return new CliError(
    EXIT.usage,
    'PERMISSION_DENIED',
    `Permission denied on ${where} (${code}): run enroll as the account that owns the client folder and the store (root, or an administrator, for a machine package), or fix that folder's owner.`,
  );
}

const commanderExit = (error: CommanderError): ExitCode => {
  if (
    error.code === 'commander.helpDisplayed' ||
    error.code === 'commander.version' ||
    (error.code === 'commander.help' && error.exitCode === 0)
  ) {
    return EXIT.ok;
  }
  return EXIT.usage;
};

/**
 * Runs the command line. `argv` is the arguments after the program name. Never throws and never
 * calls process.exit: it resolves with the exit code, so that tests and e2e runs can drive it.
 */
export async function run(argv: readonly string[], options: RunOptions): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const execute: Execute = async (command, handler) => {
    const json = command.opts<{ json?: boolean }>().json === true;
    const ctx = createContext(options, command.name(), json);
    let failure = '';
    try {
      exitCode = await handler(ctx);
    } catch (thrown) {
      const error = permissionError(thrown) ?? thrown;
      const known = error instanceof CliError ? error : undefined;
      exitCode = known?.exitCode ?? EXIT.failed;
      const message = known?.message ?? `Unexpected error: ${errorMessage(error)}`;
      failure = `: ${message}`;
      ctx.out.error(message);
      ctx.out.result({ error: { code: known?.code ?? 'UNEXPECTED', message, exitCode } });
      const stack = errorField(error, 'stack');
      if (!known && options.env.ENROLL_DEBUG && typeof stack === 'string') {
        options.stderr.write(`${redact(stack)}\n`);
      }
    }
    if (command.name() !== 'log') {
      await appendEvent(
        ctx.paths.eventLog,
        {
          command: command.name(),
          event: exitCode === EXIT.ok ? 'ok' : 'failed',
          message: `enroll ${command.name()} ended with exit code ${exitCode}${failure || '.'}`,
          exitCode,
        },
        ctx.now(),
      ).catch(() => undefined);
    }
  };
  try {
    await buildProgram(options, execute).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const exit = commanderExit(error);
      // --json promises one JSON document on stdout, usage errors included (commander wrote the text to stderr).
      if (exit !== EXIT.ok && argv.includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        options.stdout.write(`${JSON.stringify({ error: { code: 'USAGE', message, exitCode: exit } }, null, 2)}\n`);
      }
      return exit;
    }
    throw error;
  }
  return exitCode;
}
