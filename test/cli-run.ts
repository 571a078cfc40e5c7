/**
 * Runs the built command (dist/cli.js) as a user would: in its own temporary folder, with a clean
 * environment, stdin closed unless input is given, and a time limit so a hang fails the test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Unattended and without the mail server check (the probe is built elsewhere). */
export const UNATTENDED = ['--non-interactive', '--no-probe'];

/** Distinctive, and full of characters .properties must escape. */
export const PASSWORD = 'Zq7:pa ss=#!\\€ü-Xk9';
/** PASSWORD as the written file holds it. */
export const ESCAPED_PASSWORD = 'Zq7\\:pa ss\\=\\#\\!\\\\\\u20ac\\u00fc-Xk9';

export const HEADER =
  '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).\n' +
  '# Written by teaming-mail-setup; lines it does not manage are kept as they are.\n';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Piped to stdin, then closed; without it stdin is /dev/null. */
  input?: string;
  timeoutMs?: number;
}

export function run(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: options.cwd, LANG: 'C.UTF-8', TZ: 'America/Chicago', ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    if (options.input !== undefined) child.stdin!.end(options.input);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`teaming-mail-setup ${args.join(' ')} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const folders: string[] = [];
after(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

export async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'teaming-mail-setup-'));
  folders.push(folder);
  return folder;
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'latin1');
}

export async function listing(folder: string): Promise<string[]> {
  return (await readdir(folder)).sort();
}

export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
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
