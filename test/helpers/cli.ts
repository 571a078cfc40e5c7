/**
 * Run the built command as a plain child process (pipes, no terminal): the unattended and scripted
 * paths. Output is collected; `waitFor` waits for text on stdout or stderr while it runs; `runCli`
 * and `run` add a time limit so a hang fails the test.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './pty.ts';

export { CLI };

export interface CliOptions {
  cwd: string;
  /** Added to a fixed environment (no colour, a fixed time zone); `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  input?: string;
  /** Run through `sh -c 'umask …; exec node …'`. */
  umask?: string;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves once `text` has appeared on stdout or stderr; rejects if the command ends first. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  result: Promise<CliResult>;
}

function environment(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', TZ: 'UTC', NO_COLOR: '1', ...extra };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function startCli(args: readonly string[], options: CliOptions): CliProcess {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const child = options.umask
    ? spawn('sh', ['-c', `umask ${options.umask}; exec ${[process.execPath, CLI, ...args].map(quote).join(' ')}`], {
        cwd: options.cwd,
        env: environment(options.env ?? {}),
      })
    : spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: environment(options.env ?? {}) });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of [...listeners]) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of [...listeners]) listener();
  });
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.input ?? '');
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    result,
    waitFor(text, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = () => {
          if (stdout.includes(text) || stderr.includes(text)) {
            finish();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`"${text}" did not appear within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        void result.then(() => {
          if (!listeners.has(check)) return;
          finish();
          reject(new Error(`the command exited without showing "${text}"; stdout:\n${stdout}\nstderr:\n${stderr}`));
        });
        check();
      });
    },
  };
}

/** Run to the end (killed after `timeoutMs`). */
export async function runCli(args: readonly string[], options: CliOptions, timeoutMs = 20_000): Promise<CliResult> {
  const run = startCli(args, options);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  try {
    return await run.result;
  } finally {
    clearTimeout(timer);
  }
}

/** Unattended and without the mail server check (the probe is built elsewhere). */
export const UNATTENDED = ['--non-interactive', '--no-probe'];

/** Distinctive, and full of characters .properties must escape. */
export const PASSWORD = 'Zq7:pa ss=#!\\€ü-Xk9';
/** PASSWORD as the written file holds it. */
export const ESCAPED_PASSWORD = 'Zq7\\:pa ss\\=\\#\\!\\\\\\u20ac\\u00fc-Xk9';

export type RunResult = CliResult;

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Piped to stdin, then closed; without it stdin is closed at once. */
  input?: string;
  timeoutMs?: number;
}

/**
 * Run as a user would, in its own folder (also HOME) and the Chicago time zone, to the end; fails
 * (rather than returning) when it has not finished within `timeoutMs`.
 */
export async function run(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const env = { HOME: options.cwd, TZ: 'America/Chicago', NO_COLOR: undefined, ...options.env };
  const result = await runCli(args, { cwd: options.cwd, env, input: options.input }, options.timeoutMs ?? 10_000);
  // Only the time limit kills it with SIGKILL.
  if (result.signal === 'SIGKILL') {
    throw new Error(`teaming-mail-setup ${args.join(' ')} did not finish in time\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result;
}

// assert.ok without a message re-reads and re-parses this TypeScript source on failure, which takes
// minutes; these say what was expected instead.
export function assertIncludes(text: string, part: string): void {
  assert.ok(text.includes(part), `expected\n${part}\nin\n${text}`);
}

export function assertEndsWith(text: string, end: string): void {
  assert.ok(text.endsWith(end), `expected it to end with\n${end}\nbut it is\n${text}`);
}

/** Refused as a usage error (exit 2) before anything else: this on stderr (or these lines), nothing on stdout. */
export function assertRefused(result: RunResult, stderr: string | readonly string[]): void {
  assert.equal(result.stderr, typeof stderr === 'string' ? stderr : stderr.map((line) => `${line}\n`).join(''));
  assert.equal(result.stdout, '');
  assert.equal(result.code, 2);
}

/** Run `task` on each item, at most `limit` at a time (the runs are processes: a loaded machine has few cores). */
export async function inBatches<T>(items: readonly T[], task: (item: T, index: number) => Promise<void>, limit = 4): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}
