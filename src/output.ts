/**
 * All printing goes through here. Human messages go to stdout, or to stderr when stdout carries
 * the --json document. Colour only on a terminal, never with NO_COLOR.
 *
 * Terminal-safe: every line printed shows the control characters, escapes and format characters
 * (bidi overrides, zero-width characters) of the values in it visibly (terminalSafe), so a value
 * from a file, a flag, an answers file or a server cannot set the window title, clear the screen
 * or reorder what is shown; only the colours this module's own styling adds stay escapes. The
 * --json document escapes the same characters as \uXXXX (the parsed document is unchanged).
 */
import { Chalk, type ChalkInstance } from 'chalk';

/** Control and format characters, and the line and paragraph separators, as `\x1b` / `\u202e`; a tab as a space. */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

function escaped(character: string): string {
  const code = character.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The one function that makes a value safe to print: its control, escape and format characters shown visibly. */
export function terminalSafe(text: string): string {
  return text.replace(/\t/g, ' ').replace(UNSAFE, escaped);
}

/** A whole message: its line breaks kept, and (with colour) the colour sequences chalk adds. */
function safeMessage(text: string, color: boolean): string {
  const parts = color ? text.split(/(\u001b\[[0-9;]*m)/) : [text];
  // Line breaks (a CRLF file's preview keeps its CR before each LF) stay as they are.
  const lines = (part: string) =>
    part
      .split(/(\r?\n)/)
      .map((piece, index) => (index % 2 === 1 ? piece : terminalSafe(piece)))
      .join('');
  return parts.map((part, index) => (index % 2 === 1 ? part : lines(part))).join('');
}

/** JSON text with the characters a terminal would act on written as \u escapes (JSON.stringify leaves DEL, C1 controls and bidi overrides raw). */
function safeJson(value: unknown): string {
  // Inside strings JSON.stringify escapes every C0 control already; a raw line break is its own layout.
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu,
    (character) => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
}

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

export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
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
  const write = (stream: NodeJS.WritableStream, text: string) => stream.write(`${safeMessage(text, color)}\n`);
  return {
    style,
    color,
    line: (text = '') => write(human, text),
    heading: (text) => write(human, style.bold(text)),
    help: (text) => write(human, style.dim(text)),
    success: (text) => write(human, style.green(`✔ ${text}`)),
    warn: (text) => write(stderr, style.yellow(`! ${text}`)),
    error: (text) => write(stderr, style.red(`✖ ${text}`)),
    json: (value) => stdout.write(`${safeJson(value)}\n`),
  };
}
