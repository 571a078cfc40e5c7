/**
 * The command line: options, help groups and commands. Importing it has no side effects; the
 * entry point (main.ts) parses the arguments and runs the command.
 */
import { Command, Option } from 'commander';
import type { CommandLineOptions, CommandName } from './invocation.ts';
import { DEFAULT_PROBE_TIMEOUT_SECONDS } from './probe-timeout.ts';
import { VERSION } from '../version.ts';
import { QUESTIONS } from '../wizard/questions/index.ts';

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
  129 terminal closed and 143 terminated: as cancelled
`;

/** The options of the mail server check, shared by the wizard and `check`. */
function probeOptions(): Option[] {
  return [
    new Option('--probe-timeout <seconds>', 'limit for the whole check').default(DEFAULT_PROBE_TIMEOUT_SECONDS),
    new Option('--test-recipient <address>', 'send a test message to this address'),
    new Option('--ca-file <pem>', "trust this CA certificate (PEM) for the server's TLS certificate"),
    new Option('--accept-certificate <sha256>', 'accept the server certificate with this SHA-256 fingerprint (self-signed)'),
    new Option('--allow-plaintext-auth', 'send the password on a connection without TLS (refused unless given)'),
  ];
}

function fileOption() {
  return new Option('-f, --file <path>', 'the settings file: installer.properties, or installer.xml').default('installer.properties');
}

/**
 * The program. `run` runs a command with commander's option values as they are (invocation.ts
 * checks every one by its schema); the entry point turns its outcome into the exit code.
 */
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

  // Each question's flags (question definitions, in their order), then the answers file's.
  const answerFlags = QUESTIONS.flatMap(({ given, secret }) => [...(given?.flags ?? []), ...(secret?.flags ?? [])]);
  for (const option of [
    new Option(
      '--service <name>',
      "a mail service preset: fills protocol, host, port and TLS (Outlook365, Outlook365-Connector, Gmail, SES-EU-WEST-1, SendGrid, Mailgun, Postmark, SendinBlue… nodemailer's well-known names)",
    ),
    ...answerFlags.map(({ flag, help }) => new Option(flag, help)),
    // Not an answer: taken only to say why it is refused and what to use (invocation.ts).
    new Option('--password <password>').hideHelp(),
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
