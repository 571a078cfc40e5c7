import assert from 'node:assert/strict';
import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { SettingsFileError, WriteFileError } from '../../src/errors.ts';
import { backupPath, loadSettingsFile, writeSettingsFile } from '../../src/settings/settings-file.ts';
import { CLI } from '../helpers/pty.ts';

const NAME = 'installer.properties';
const OLD = Buffer.from('# old\nmail.smtp.host=old.example.com\nsite=\xe9\n', 'latin1');
const NEW = Buffer.from('mail.smtp.host=new.example.com\n');
const NOBODY = 65534;
/** Root ignores file modes: a permission test runs its child as nobody. */
const AS_ROOT = process.getuid?.() === 0;

let work: string;
let childScript: string;
let writerScript: string;
let count = 0;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'settings-file-'));
  await chmod(work, 0o755); // nobody must reach the child script
  childScript = join(work, 'child.mjs');
  writerScript = join(work, 'writer.mjs');
  const options: BuildOptions = {
    entryPoints: [fileURLToPath(new URL('../helpers/settings-file-child.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'warning',
  };
  await build({ ...options, outfile: childScript });
  // The crash test starts 30 writers: without the formats (zod, luxon, the parser), which
  // writeSettingsFile does not use, each starts a third faster.
  await build({
    ...options,
    outfile: writerScript,
    plugins: [
      {
        name: 'no-formats',
        setup(bundler) {
          bundler.onResolve({ filter: /settings-format\.ts$/ }, () => ({ path: 'no-formats', namespace: 'no-formats' }));
          bundler.onLoad({ filter: /.*/, namespace: 'no-formats' }, () => ({
            contents: 'export function formatFor() { throw new Error("no formats in the writer"); }',
          }));
        },
      },
    ],
  });
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fresh folder (mode 0755) and the settings file's path in it. */
async function folder(): Promise<{ dir: string; path: string }> {
  const dir = join(work, `case-${++count}`);
  await mkdir(dir, { mode: 0o755 });
  await chmod(dir, 0o755);
  return { dir, path: join(dir, NAME) };
}

async function data(name: string, bytes: Buffer): Promise<string> {
  const file = join(work, `${name}-${++count}`);
  await writeFile(file, bytes);
  await chmod(file, 0o644);
  return file;
}

async function runChild(args: string[], options: { asNobody?: boolean } = {}): Promise<Record<string, unknown>> {
  const [command, commandArgs] = options.asNobody
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, childScript, ...args]]
    : [process.execPath, [childScript, ...args]];
  const { stdout } = await promisify(execFile)(command, commandArgs);
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function writeError(path: string, bytes: Buffer, expected: Buffer | undefined): Promise<WriteFileError> {
  const error = await writeSettingsFile(path, bytes, expected).then(
    () => assert.fail('written'),
    (error: unknown) => error,
  );
  assert.ok(error instanceof WriteFileError, String(error));
  return error;
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

/** A process that has exited: its pid names no one (until reused, which a test run won't see). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** A live process; `program`: a run of teaming-mail-setup (waiting for a password on stdin), else `sleep`. */
async function livePid(program = false): Promise<{ pid: number; stop: () => void }> {
  const child = program
    ? spawn(process.execPath, [CLI, '--non-interactive', '--password-stdin', '-f', join(work, 'never.properties')], { stdio: ['pipe', 'ignore', 'ignore'] })
    : spawn('sleep', ['60'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('spawn', resolve));
  return { pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

describe('writeSettingsFile', () => {
  it('a new file: mode 0600, no backup, nothing else left in the folder', async () => {
    const { dir, path } = await folder();
    assert.deepEqual(await writeSettingsFile(path, NEW, undefined), { backup: undefined, access: 'mode 0600, owner root:root' });
    assert.deepEqual(await readFile(path), NEW);
    assert.equal(await mode(path), 0o600);
    assert.deepEqual(await readdir(dir), [NAME]);
  });

  it("an update under umask 000: the backup holds the previous bytes; file and backup 0640 (the group read bit kept, group write and others' bits dropped, and said)", async () => {
    const { dir, path } = await folder();
    await writeFile(path, OLD);
    await chmod(path, 0o666);
    await writeFile(backupPath(path), 'older backup');
    await chmod(backupPath(path), 0o666);
    const result = await runChild(['write', path, await data('new', NEW), await data('old', OLD), '000']);
    assert.deepEqual(result, {
      backup: `${path}.bak`,
      access: "mode 0640, owner root:root; it was 0666: group write and others' access removed, as the file holds a password",
    });
    assert.deepEqual(await readFile(path), NEW);
    assert.deepEqual(await readFile(`${path}.bak`), OLD);
    assert.equal(await mode(path), 0o640);
    assert.equal(await mode(`${path}.bak`), 0o640);
    assert.deepEqual((await readdir(dir)).sort(), [NAME, `${NAME}.bak`]);
    // The next write moves the backup on.
    assert.deepEqual(await writeSettingsFile(path, OLD, NEW), { backup: `${path}.bak`, access: 'mode 0640, owner root:root' });
    assert.deepEqual(await readFile(`${path}.bak`), NEW);
  });

  it('a symbolic link is refused, naming its target; the target is untouched', async () => {
    const { dir, path } = await folder();
    const real = join(dir, 'real.properties');
    await writeFile(real, OLD);
    await symlink(real, path);
    assert.equal(
      (await writeError(path, NEW, OLD)).message,
      `${path} is a symbolic link to ${real}; the wizard does not replace a link: run again with --file ${real}`,
    );
    assert.deepEqual(await readFile(real), OLD);
    assert.ok((await lstat(path)).isSymbolicLink());
    await rm(real);
    assert.equal(
      (await writeError(path, NEW, undefined)).message,
      `${path} is a symbolic link to a file that does not exist; the wizard does not replace a link: name the real file with --file`,
    );
  });

  it('a missing folder or a folder in place of the file is refused', async () => {
    const { dir, path } = await folder();
    const missing = join(dir, 'missing', NAME);
    assert.equal(
      (await writeError(missing, NEW, undefined)).message,
      `${missing} cannot be written: the folder ${join(dir, 'missing')} does not exist; create it or choose another path with --file`,
    );
    await mkdir(path);
    assert.equal((await writeError(path, NEW, undefined)).message, `${path} is a folder, not a regular file; choose another path with --file`);
    assert.equal((await writeError(path, NEW, undefined)).exitCode, 4);
  });

  it('a folder the user may not write to: WriteFileError, the old file intact, nothing left', {
    skip: AS_ROOT && !existsSync('/usr/bin/setpriv') && 'needs setpriv to drop root',
  }, async () => {
    const { dir, path } = await folder();
    await writeFile(path, OLD);
    if (AS_ROOT) await chmod(path, 0o666);
    else await chmod(dir, 0o555);
    try {
      const result = await runChild(['write', path, await data('new', NEW), await data('old', OLD)], { asNobody: AS_ROOT });
      assert.deepEqual(result, {
        error: 'WriteFileError',
        message: `${path} cannot be written (permission denied in ${dir}): run as a user who may write there; the old file is unchanged`,
      });
    } finally {
      await chmod(dir, 0o755);
    }
    assert.deepEqual(await readFile(path), OLD);
    assert.deepEqual(await readdir(dir), [NAME]);
  });

  it('a file changed (or created, or removed) since it was read is not overwritten', async () => {
    const { dir, path } = await folder();
    await writeFile(path, 'changed by hand\n');
    const message = `${path} was changed by someone else while the wizard ran; nothing was written: run again`;
    assert.equal((await writeError(path, NEW, OLD)).message, message);
    assert.equal((await writeError(path, NEW, undefined)).message, message);
    assert.equal(await readFile(path, 'utf8'), 'changed by hand\n');
    assert.deepEqual(await readdir(dir), [NAME]);
    await rm(path);
    assert.equal((await writeError(path, NEW, OLD)).message, message);
    assert.deepEqual(await readdir(dir), []);
  });

  it('a lock held by a live run of this program is refused; one left by a dead process, naming a live process of another program, or empty, is taken over', async () => {
    const { dir, path } = await folder();
    await writeFile(path, OLD);
    const other = await livePid();
    try {
      await writeFile(`${path}.lock`, `${other.pid}\n`);
      await writeSettingsFile(path, NEW, OLD);
      await writeFile(`${path}.lock`, '1\n');
      await writeSettingsFile(path, OLD, NEW);
    } finally {
      other.stop();
    }
    const holder = await livePid(true);
    try {
      await writeFile(`${path}.lock`, `${holder.pid}\n`);
      assert.equal(
        (await writeError(path, NEW, OLD)).message,
        `${path} is being written by another teaming-mail-setup (process ${holder.pid}); wait for it to finish, then run again`,
      );
      assert.equal(await readFile(`${path}.lock`, 'utf8'), `${holder.pid}\n`);
      assert.deepEqual(await readFile(path), OLD);
    } finally {
      holder.stop();
    }
    await writeFile(`${path}.lock`, `${await deadPid()}\n`);
    await writeSettingsFile(path, NEW, OLD);
    await writeFile(`${path}.lock`, '');
    await writeSettingsFile(path, OLD, NEW);
    assert.deepEqual(await readFile(path), OLD);
    assert.deepEqual((await readdir(dir)).sort(), [NAME, `${NAME}.bak`]);
  });

  it('two writes at once: one wins, the other is refused by the lock and writes nothing', async () => {
    const { dir, path } = await folder();
    await writeFile(path, OLD);
    const results = await Promise.allSettled([writeSettingsFile(path, NEW, OLD), writeSettingsFile(path, Buffer.from('other\n'), OLD)]);
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).message] : []));
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    assert.equal(refused.length, 1);
    assert.match(
      refused[0]!,
      new RegExp(`^${path.replaceAll('.', '\\.')} (is being written by another teaming-mail-setup \\(process ${process.pid}\\)|was changed by someone else)`),
    );
    const content = await readFile(path);
    assert.ok(content.equals(NEW) || content.equals(Buffer.from('other\n')));
    assert.deepEqual(await readFile(`${path}.bak`), OLD);
    assert.deepEqual((await readdir(dir)).sort(), [NAME, `${NAME}.bak`]);
  });

  it('temporary files left by killed runs are removed by the next write; others are kept', async () => {
    const { dir, path } = await folder();
    await writeFile(path, OLD);
    const dead = await deadPid();
    const holder = await livePid(true);
    const other = await livePid();
    const stale = [
      `.${NAME}.${dead}.deadbeef.tmp`,
      `.${NAME}.bak.${dead}.0badf00d.tmp`,
      `.${NAME}.lock.${dead}.01234567.tmp`,
      `.${NAME}.${other.pid}.feedf00d.tmp`,
    ];
    const kept = [`.${NAME}.${holder.pid}.cafebabe.tmp`, `.other.properties.${dead}.deadbeef.tmp`, `.${NAME}.${dead}.tmp`, 'notes.txt'];
    try {
      for (const name of [...stale, ...kept]) await writeFile(join(dir, name), 'x');
      await writeSettingsFile(path, NEW, OLD);
      assert.deepEqual((await readdir(dir)).sort(), [...kept, NAME, `${NAME}.bak`].sort());
    } finally {
      holder.stop();
      other.stop();
    }
  });
});

interface Writer {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Resolves when the writer prints this line; rejects if it exits first. */
  line(text: string): Promise<void>;
  exited: Promise<unknown>;
}

function startWriter(path: string, aFile: string, bFile: string): Writer {
  const child = spawn(process.execPath, [writerScript, 'loop', path, aFile, bFile], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiting = new Map<string, () => void>();
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const [text, resolve] of waiting) if (stdout.split('\n').includes(text)) resolve();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    child,
    exited,
    line: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.split('\n').includes(text)) return resolve();
        waiting.set(text, resolve);
        void exited.then(() => reject(new Error(`writer exited before "${text}": ${stderr}`)));
      }),
  };
}

describe('crash safety', () => {
  it('a writer killed at random moments leaves a complete version, and its leftovers go at the next write', async (t) => {
    const KILLS = 30;
    const { dir, path } = await folder();
    const a = Buffer.alloc(512 * 1024, 'a\n');
    const b = Buffer.alloc(384 * 1024 + 7, 'b\n');
    const [aFile, bFile] = [await data('a', a), await data('b', b)];
    await writeFile(path, a);
    const leftovers = { temporaries: 0, locks: 0 };
    // Node starts slowly: a few writers load while another runs, each waiting for its turn.
    const warm: Writer[] = [];
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        while (warm.length < Math.min(4, KILLS - kill)) warm.push(startWriter(path, aFile, bFile));
        const writer = warm.shift()!;
        await writer.line('loaded');
        writer.child.stdin.write('go\n');
        await writer.line('ready');
        await delay(Math.random() * 40);
        writer.child.kill('SIGKILL');
        await writer.exited;
        const content = await readFile(path);
        assert.ok(content.equals(a) || content.equals(b), `kill ${kill}: the file is neither version (${content.length} bytes)`);
        const backup = await readFile(`${path}.bak`);
        assert.ok(backup.equals(a) || backup.equals(b), `kill ${kill}: the backup is neither version (${backup.length} bytes)`);
        for (const entry of await readdir(dir)) {
          if (entry === NAME || entry === `${NAME}.bak`) continue;
          if (entry === `${NAME}.lock` || (entry.startsWith(`.${NAME}.lock.`) && entry.endsWith('.break'))) leftovers.locks++;
          else if (new RegExp(`^\\.${NAME.replaceAll('.', '\\.')}(\\.bak|\\.lock)?\\.${writer.child.pid}\\.[0-9a-f]{8}\\.tmp$`).test(entry))
            leftovers.temporaries++;
          else assert.fail(`kill ${kill}: unexpected ${entry}`);
        }
      }
    } finally {
      for (const writer of warm) writer.child.kill('SIGKILL');
    }
    const current = await readFile(path);
    await writeSettingsFile(path, NEW, current);
    assert.deepEqual((await readdir(dir)).sort(), [NAME, `${NAME}.bak`]);
    assert.deepEqual(await readFile(`${path}.bak`), current);
    t.diagnostic(`${KILLS} kills: ${leftovers.temporaries} temporary files and ${leftovers.locks} locks left behind, all cleaned up`);
  });
});

interface Racer {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** The next line it prints. */
  next(): Promise<string>;
}

function startRacer(path: string, name: string): Racer {
  const child = spawn(process.execPath, [writerScript, 'race', path, name], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const resolve = waiting.shift();
      if (resolve) resolve(line);
      else lines.push(line);
    }
  });
  child.on('exit', () => {
    for (const resolve of waiting.splice(0)) resolve(`exited: ${stderr}`);
  });
  return { child, next: () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiting.push(resolve))) };
}

describe('the lock under contention', () => {
  it('8 runs released together on a stale lock (a dead pid, or pid 1, not this program), 60 rounds: never two writes from the same old bytes, nothing lost, nothing left', async (t) => {
    const [ROUNDS, RUNS] = [60, 8];
    const { dir, path } = await folder();
    await writeFile(path, 'start\n');
    const racers = Array.from({ length: RUNS }, (_, index) => startRacer(path, `run${index}`));
    const started = Date.now();
    let written = 0;
    try {
      for (const racer of racers) assert.equal(await racer.next(), 'loaded');
      const dead = await deadPid();
      for (let round = 0; round < ROUNDS; round++) {
        await writeFile(`${path}.lock`, round % 2 === 0 ? `${dead}\n` : '1\n');
        for (const racer of racers) racer.child.stdin.write(`${round}\n`);
        const results = (await Promise.all(racers.map((racer) => racer.next()))).map(
          (line) => JSON.parse(line) as { read: string; wrote?: string; message?: string },
        );
        const writes = results.filter((result) => result.wrote !== undefined);
        assert.ok(writes.length >= 1, `round ${round}: no run wrote: ${JSON.stringify(results)}`);
        assert.equal(
          new Set(writes.map((result) => result.read)).size,
          writes.length,
          `round ${round}: two runs wrote from the same old bytes: ${JSON.stringify(writes)}`,
        );
        const content = await readFile(path, 'latin1');
        for (const write of writes)
          assert.ok(content.startsWith(write.wrote!), `round ${round}: a write was lost: ${JSON.stringify(write)}\nfile:\n${content}`);
        for (const refused of results.filter((result) => result.wrote === undefined)) {
          assert.match(
            refused.message ?? '',
            /is being written by another teaming-mail-setup \(process \d+\)|was changed by someone else while the wizard ran/,
          );
        }
        assert.deepEqual((await readdir(dir)).sort(), [NAME, `${NAME}.bak`], `round ${round}: something left behind`);
        written += writes.length;
      }
    } finally {
      for (const racer of racers) racer.child.kill('SIGKILL');
    }
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`${ROUNDS} rounds of ${RUNS} runs in ${seconds.toFixed(1)} s: ${written} writes, none lost`);
    assert.ok(seconds < 60, `${seconds} s`);
  });
});

describe('loadSettingsFile', () => {
  it('a missing file is an empty one', async () => {
    const { path } = await folder();
    assert.deepEqual(await loadSettingsFile(path), { path, bytes: undefined, stored: { hasOutbound: false, settings: {} } });
  });

  it('reads the bytes as Latin-1 and the settings from them', async () => {
    const { path } = await folder();
    const bytes = Buffer.from('mail.smtp.host=mail.example.com\nmail.smtp.user=\xe9\\u00e9\n', 'latin1');
    await writeFile(path, bytes);
    const loaded = await loadSettingsFile(path);
    assert.deepEqual(loaded.bytes, bytes);
    assert.deepEqual(loaded.stored, { hasOutbound: true, settings: { protocol: 'smtp', host: 'mail.example.com', username: 'éé', auth: true } });
  });

  it('a folder, an unreadable file or a malformed one is a SettingsFileError naming the path', async (t) => {
    const { dir, path } = await folder();
    await assert.rejects(
      loadSettingsFile(dir),
      (error: unknown) => error instanceof SettingsFileError && error.message === `${dir}: is a folder, not a settings file: name the file with --file`,
    );
    await writeFile(path, 'mail.smtp.host=h\nmail.smtp.port=x\n');
    await assert.rejects(
      loadSettingsFile(path),
      (error: unknown) =>
        error instanceof SettingsFileError &&
        error.message === `${path}:2: mail.smtp.port: port must be a whole number from 1 to 65535 (fix or remove this line, then run again)`,
    );
    await chmod(path, 0o600);
    if (AS_ROOT && !existsSync('/usr/bin/setpriv')) {
      // Said, not silent: the unreadable case needs a user other than root.
      t.skip('the unreadable file needs setpriv to drop root');
      return;
    }
    if (!AS_ROOT) await chmod(path, 0o000);
    assert.deepEqual(await runChild(['load', path], { asNobody: AS_ROOT }), {
      error: 'SettingsFileError',
      message: `${path}: cannot be read (permission denied): run as a user who may read it`,
    });
  });
});
