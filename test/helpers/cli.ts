/**
 * Run the built command as a plain child process (pipes, no terminal): the unattended and scripted
 * paths. Output is collected; `waitFor` waits for text on stdout or stderr while it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './pty.ts';

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
    ? spawn('sh', ['-c', `umask ${options.umask}; exec ${[process.execPath, CLI, ...args].map(quote).join(' ')}`], { cwd: options.cwd, env: environment(options.env ?? {}) })
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
