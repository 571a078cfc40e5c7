import { Command } from 'commander';

const program = new Command('teaming-mail-setup').version('0.1.0');
program.parse();
