/**
 * The entry point: parses the command line, runs a command, and is the one place that turns an
 * error into a message and an exit code. Heavy modules load only when a command needs them.
 */
import { buildProgram } from './cli.ts';
import { EXIT } from './errors.ts';

async function main(): Promise<void> {
  const program = buildProgram(async (command, options) => {
    const { runCommand } = await import('./commands.ts');
    return runCommand(command, options);
  });
  // --help and --version exit 0; every other parse error, of the program or a command, is a usage error.
  for (const command of [program, ...program.commands]) {
    command.exitOverride((error) => process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage));
  }
  await program.parseAsync();
}

void main();
