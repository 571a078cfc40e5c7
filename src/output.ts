/**
 * All printing goes through here. Human messages go to stdout, or to stderr when stdout carries
 * the --json document. Colour only on a terminal, never with NO_COLOR.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Output {
  /** Styling for text built elsewhere (summary sheets, probe lines). */
  style: ChalkInstance;
  color: boolean;
  line(text?: string): void;
  heading(text: string): void;
  help(text: string): void;
  success(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  /** The one JSON document of a --json run, on stdout. */
  json(value: unknown): void;
}

export interface OutputOptions {
  json?: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const human = options.json ? stderr : stdout;
  const color = wantsColor(human, options.env ?? process.env);
  const style = new Chalk({ level: color ? 1 : 0 });
  const write = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);
  return {
    style,
    color,
    line: (text = '') => write(human, text),
    heading: (text) => write(human, style.bold(text)),
    help: (text) => write(human, style.dim(text)),
    success: (text) => write(human, style.green(`✔ ${text}`)),
    warn: (text) => write(stderr, style.yellow(`! ${text}`)),
    error: (text) => write(stderr, style.red(`✖ ${text}`)),
    json: (value) => write(stdout, JSON.stringify(value, null, 2)),
  };
}
