/**
 * Drive the built command through a real pseudo-terminal, the way an administrator would:
 * wait for a prompt's text, then type or press a key. Every wait has a timeout and fails with the
 * screen so far, so a test that hangs says where.
 */
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import pty from 'node-pty';

/** The executable that package.json's bin names (it loads the bundle in dist/). */
export const CLI = fileURLToPath(new URL('../../bin/teaming-mail-setup.js', import.meta.url));

/** Generous: the tests must pass on a loaded two-core machine. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export const KEYS = {
  enter: '\r',
  up: '\x1b[A',
  down: '\x1b[B',
  'ctrl-c': '\x03',
  backspace: '\x7f',
  tab: '\t',
} as const;

export type Key = keyof typeof KEYS;

export interface PtyOptions {
  cwd?: string;
  /** Added to (or, with `undefined`, removed from) the fixed environment below. */
  env?: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
}

export interface PtyRun {
  /** The command's process id (to send it a signal). */
  readonly pid: number;
  /** Everything written to the terminal so far, escape sequences included. */
  readonly raw: string;
  /** Everything written so far with escape sequences removed and "\r\n" as "\n". */
  text(): string;
  /**
   * Wait until `pattern` appears in the output after the previous match (so a prompt that shows
   * twice is waited for twice); returns the matched text. Fails with the screen so far.
   */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  type(text: string): void;
  press(key: Key, times?: number): void;
  /** The exit code; fails with the screen if the command has not ended within the timeout. */
  exit(timeoutMs?: number): Promise<number>;
  /** Send `signal` (default SIGHUP: end it, for test clean-up) if the process is still running. */
  kill(signal?: NodeJS.Signals): void;
}

/** A fixed environment, so the default time zone, colours and width are the same on every machine. */
function environment(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    TZ: 'America/New_York',
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function describe(pattern: string | RegExp): string {
  return typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern);
}

/** Run `node bin/teaming-mail-setup.js ...args` in a pseudo-terminal. */
export function spawnCli(args: readonly string[], options: PtyOptions = {}): PtyRun {
  const child = pty.spawn(process.execPath, [CLI, ...args], {
    name: 'xterm-256color',
    cols: options.cols ?? 100,
    rows: options.rows ?? 40,
    cwd: options.cwd ?? process.cwd(),
    env: environment(options.env ?? {}),
  });
  let raw = '';
  /** Where the next waitFor starts looking, in the stripped text. */
  let cursor = 0;
  /** Set once the process has ended and its last output has arrived. */
  let exitCode: number | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  child.onData((data) => {
    raw += data;
    notify();
  });
  const exited = new Promise<number>((resolve) => {
    child.onExit(({ exitCode: code, signal }) => {
      // Let the last output arrive before anyone looks at it.
      setImmediate(() => {
        exitCode = signal ? 128 + signal : code;
        resolve(exitCode);
        notify();
      });
    });
  });
  // The terminal turns each "\n" into "\r\n"; tests read plain lines.
  const text = () => stripVTControlCharacters(raw).replace(/\r\n/g, '\n');
  const screen = () => {
    const all = text();
    return all.length > 4000 ? `…${all.slice(-4000)}` : all;
  };

  const find = (pattern: string | RegExp): { index: number; match: string } | undefined => {
    const rest = text().slice(cursor);
    if (typeof pattern === 'string') {
      const index = rest.indexOf(pattern);
      return index < 0 ? undefined : { index, match: pattern };
    }
    const found = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(rest);
    return found ? { index: found.index, match: found[0] } : undefined;
  };

  return {
    pid: child.pid,
    get raw() {
      return raw;
    },
    text,
    waitFor(pattern, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find(pattern);
          if (found) {
            cursor += found.index + found.match.length;
            finish();
            resolve(found.match);
          } else if (exitCode !== undefined) {
            finish();
            reject(new Error(`the command exited (${exitCode}) without showing ${describe(pattern)}; the screen:\n${screen()}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${describe(pattern)} did not appear within ${timeoutMs} ms; the screen:\n${screen()}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    type(input) {
      child.write(input);
    },
    press(key, times = 1) {
      child.write(KEYS[key].repeat(times));
    },
    exit(timeoutMs = DEFAULT_TIMEOUT_MS) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the command did not exit within ${timeoutMs} ms; the screen:\n${screen()}`)), timeoutMs);
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
    kill(signal) {
      if (exitCode === undefined) child.kill(signal);
    },
  };
}

/**
 * A text prompt, showing `shown` as its default if given: type `text` (nothing: take the default),
 * Enter, and wait until it is taken. `echo` is what typing shows (the mask, for a password).
 */
export async function answer(run: PtyRun, message: string, text = '', { shown, echo = text }: { shown?: string; echo?: string } = {}): Promise<void> {
  await run.waitFor(shown === undefined ? `? ${message}` : `? ${message} (${shown})`);
  if (text !== '') {
    run.type(text);
    await run.waitFor(`? ${message} ${echo}`);
  }
  run.press('enter');
  await run.waitFor(`✔ ${message}`);
}

/** A yes/no prompt: type y or n (nothing: take the default, which must be `expected`), Enter, and check the answer. */
export async function confirm(run: PtyRun, message: string, expected: 'Yes' | 'No', key?: 'y' | 'n'): Promise<void> {
  await run.waitFor(key ? `? ${message}` : `? ${message} (${expected === 'Yes' ? 'Y/n' : 'y/N'})`);
  if (key) {
    run.type(key);
    await run.waitFor(`) ${key}`);
  }
  run.press('enter');
  await run.waitFor(`✔ ${message} ${expected}`);
}

/**
 * A list: move with the arrow keys until `choice` is highlighted, Enter, and check the answer it
 * took (`short`: how the answered question shows it).
 */
export async function choose(run: PtyRun, message: string, choice: string, key?: Key, times = 1, short = choice): Promise<void> {
  await run.waitFor(`? ${message}`);
  if (key) {
    await run.waitFor('❯ '); // the list is there (a search prompt ignores the arrows while it loads)
    run.press(key, times);
  }
  await run.waitFor(`❯ ${choice}`);
  run.press('enter');
  await run.waitFor(`✔ ${message} ${short}\n`);
}
