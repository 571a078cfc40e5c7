/**
 * Layer src/cli/ (the top): the executable's entry, the commander program, the typed invocation,
 * the commands, answers from flags and files, exit codes. It may import every layer below
 * (demo, wizard, probe, settings, the loose leaf modules); nothing imports it. This file is the
 * only one that ends the process.
 *
 * The entry point: parses the command line, runs a command, and is the one place that turns an
 * error into a message and an exit code. Heavy modules load only when a command needs them.
 */
import { buildProgram } from './program.ts';
import { EXIT, errorDocument, UsageError } from '../errors.ts';
import { withoutSecretValues } from '../settings/secret-names.ts';

/** A closed pipe (`teaming-mail-setup show | head`) ends the output quietly, not with a stack trace. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw error;
  });
}

async function main(): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const program = buildProgram(async (command, options) => {
    const [{ parseInvocation }, { runCommand }] = await Promise.all([import('./invocation.ts'), import('./commands.ts')]);
    process.exitCode = await runCommand(parseInvocation(command, options), (code) => process.exit(code));
  });
  // --help and --version exit 0; every other parse error, of the program or a command, is a usage
  // error (commander has printed it), and with --json stdout still carries its one document.
  for (const command of [program, ...program.commands]) {
    // `--password=S3cret` is an unknown option: its error names the option, never the value.
    command.configureOutput({ outputError: (text, write) => write(withoutSecretValues(text)) });
    command.exitOverride((error) => {
      if (error.exitCode === 0) process.exit(EXIT.ok);
      if (process.argv.includes('--json')) {
        const document = errorDocument(new UsageError(withoutSecretValues(error.message.replace(/^error: /, ''))));
        process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      }
      process.exit(EXIT.usage);
    });
  }
  await program.parseAsync();
}

void main();
