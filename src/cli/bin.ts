/**
 * The program's entry (dist/cli.js, imported by bin/teaming-mail-setup.js). `--version` alone is answered here, before the command line
 * parser and everything behind it loads; anything else goes to the entry point in main.ts, and for `check` the probe loads beside it.
 */
import { VERSION } from '../version.ts';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) console.log(VERSION);
else {
  void import('./main.ts');
  // `check` opens its connection as early as it can: the probe's code loads while the command line is parsed.
  if (args[0] === 'check') import('../probe/index.ts').catch(() => {});
}
