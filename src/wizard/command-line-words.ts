/**
 * The command line's words in the wizard's messages. The wizard names no flag itself: the command
 * line (cli/answers.ts) gives these, derived from the question definitions and its own options.
 */
import type { QuestionId } from './questions/index.ts';

export interface CommandLineWords {
  /** Unattended: how a missing answer can be given ('give --host (answers file: "host")'). */
  howToAnswer(setting: QuestionId): string;
  /** A file that already holds settings, unattended: 'add --reconfigure to change them, or --force to replace them'. */
  keepOrReplace: string;
  /** The command that changes the file's settings later: 'teaming-mail-setup --reconfigure -f PATH'. */
  reconfigure(path: string): string;
  /** The flag that writes although the check failed: '--force'. */
  force: string;
  /** A failed check, unattended: 'use --no-probe or --force to write anyway'. */
  writeAnyway: string;
}
