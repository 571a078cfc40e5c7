/**
 * The command line: options, help groups and commands. Importing it has no side effects; the
 * entry point (main.ts) parses the arguments and runs the command.
 */
import { Command, Option } from 'commander';
import type { CommandLineOptions, CommandName } from './invocation.ts';
import { VERSION } from '../version.ts';

const ANSWERS = 'Answers (each skips its question):';
const PROBE = 'Mail server check:';
const OUTPUT = 'Output and safety:';

const EXAMPLES = `
Examples:
  $ teaming-mail-setup
      ask every question, check the mail server, write ./installer.properties
  $ teaming-mail-setup --reconfigure -f /opt/teaming/installer.xml
      change an existing installation; current values are the defaults
  $ TEAMING_MAIL_PASSWORD=… teaming-mail-setup --non-interactive --host mail.example.com \\
      --port 587 --auth --username teaming@example.com --time-zone America/Chicago
      unattended: every missing or invalid answer is listed at once

Exit codes:
  0 done   1 internal error   2 usage, invalid answers or unreadable file
  3 mail server check failed, nothing written   4 file could not be written   130 cancelled
`;

/** The options of the mail server check, shared by the wizard and `check`. */
function probeOptions(): Option[] {
  return [
    new Option('--probe-timeout <seconds>', 'limit for the whole check').default(10),
    new Option('--test-recipient <address>', 'send a test message to this address'),
    new Option('--ca-file <pem>', "trust this CA certificate (PEM) for the server's TLS certificate"),
    new Option('--accept-certificate <sha256>', 'accept the server certificate with this SHA-256 fingerprint (self-signed)'),
    new Option('--allow-plaintext-auth', 'send the password on a connection without TLS (refused unless given)'),
  ];
}

function fileOption() {
  return new Option('-f, --file <path>', 'the settings file: installer.properties, or installer.xml').default('installer.properties');
}

/** The program; `run` gets commander's option values as they are: invocation.ts checks every one by its schema. */
/** `run` runs a command with its parsed options; the entry point turns its outcome into the exit code. */
export function buildProgram(run: (command: CommandName, options: CommandLineOptions) => Promise<void>): Command {
  const program = new Command('teaming-mail-setup')
    .description('Set up the outbound e-mail of a Kablink Teaming site: ask, check the mail server, write the settings file.')
    .version(VERSION, '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .showSuggestionAfterError(true)
    // `show -f FILE` and `show --json` belong to `show`, not to the wizard's options of the same name.
    .enablePositionalOptions()
    .addHelpText('after', EXAMPLES);

  program.addOption(fileOption());
  program.option('--reconfigure', 'change an existing file: its values become the defaults; only the changes are written');
  program.option('--non-interactive', 'never ask: take answers from flags and --answers; list every missing one and exit 2');

  for (const option of [
    new Option('--protocol <protocol>', 'smtp or smtps (default: smtp)'),
    new Option('--host <host>', 'mail server: host name, IPv4 or IPv6 address'),
    new Option('--port <port>', 'port (default: 25 for smtp, 465 for smtps)'),
    new Option('--starttls', 'upgrade smtp with STARTTLS (default: yes on port 587)'),
    new Option('--no-starttls', 'do not use STARTTLS'),
    new Option('--time-zone <zone>', "IANA time zone of notification time stamps (default: this machine's)"),
    new Option('--auth', 'the server requires authentication'),
    new Option('--no-auth', 'the server needs no authentication (default)'),
    new Option('--username <name>', 'user name or full e-mail address (also the sender of notifications)'),
    new Option('--password-file <path>', 'read the password from this file (first line)'),
    new Option('--password-stdin', 'read the password from standard input'),
    new Option('--allow-all-users', 'users may e-mail the All Users group (default)'),
    new Option('--no-allow-all-users', 'users may not e-mail the All Users group'),
    new Option('--connection-timeout <seconds>', 'JavaMail connection timeout (default: 15)'),
    new Option('--answers <file>', 'JSON answers file; flags override it'),
    new Option('--write-answers <file>', 'save the answers (never the password) to replay on other servers'),
  ]) {
    program.addOption(option.helpGroup(ANSWERS));
  }
  for (const option of [new Option('--no-probe', 'do not check the mail server before writing'), ...probeOptions()]) {
    program.addOption(option.helpGroup(PROBE));
  }
  for (const option of [
    new Option('--dry-run', 'show what would be written (password masked); write nothing'),
    new Option('--json', 'print one JSON document on stdout; messages go to stderr'),
    new Option('--force', 'write even if the check fails; replace existing settings when unattended'),
  ]) {
    program.addOption(option.helpGroup(OUTPUT));
  }
  program.action(async (options, command: Command) => {
    // A word left over is a mistyped command ("shwo"): the wizard takes no arguments.
    if (command.args.length > 0) {
      program.error(`error: unknown command '${command.args[0]}' (the commands are ${program.commands.map((sub) => sub.name()).join(', ')})`);
    }
    await run('wizard', options);
  });

  const check = program
    .command('check')
    .description('check the mail server the file names; change nothing (exit 3 when the check fails)')
    .addOption(fileOption());
  for (const option of probeOptions()) check.addOption(option);
  check.option('--json', 'print the report as JSON').action(async (options) => {
    await run('check', options);
  });

  program
    .command('show')
    .description('print the summary sheet of the file (password masked)')
    .addOption(fileOption())
    .option('--json', 'print it as JSON')
    .action(async (options) => {
      await run('show', options);
    });

  program
    .command('demo')
    .description('try the wizard against an embedded mail server on 127.0.0.1, writing to a temporary folder')
    .action(async (options) => {
      await run('demo', options);
    });

  // Set last, so the commands above still refuse extra arguments.
  program.allowExcessArguments();
  return program;
}
