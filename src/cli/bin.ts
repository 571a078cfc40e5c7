/**
 * The program's entry (dist/cli.js, imported by bin/teaming-mail-setup.js). `--version` alone is answered here, before the command line
 * parser and everything behind it loads; anything else goes to the entry point in main.ts.
 */
import { VERSION } from '../version.ts';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) console.log(VERSION);
else void import('./main.ts');
