/**
 * The built command on a hostile or careless host, as root: the answers file never written
 * through a planted link and 0600 whatever the umask, a folder others may write in refused
 * (exit 4) unless --force, a group-readable file keeping its group, FIFOs and devices refused
 * at once, oversized input refused with its size, a lock naming another program taken over, and
 * every signal ending the process within 2 s even while a read waits on a pipe.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, runCli, startCli, UNATTENDED } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/files.ts';

const AS_ROOT = process.getuid?.() === 0;
const NOGROUP = 65534;
const ANSWERS = [...UNATTENDED, '--host', 'mail.example.com', '--time-zone', 'UTC'];

const folder = (mode = 0o755) => tempFolder(mode);

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('files written', () => {
  test("--write-answers under umask 000 is 0600; through a planted symbolic link it is refused (exit 4), the link's target untouched", async () => {
    const cwd = await folder();
    const saved = await runCli([...ANSWERS, '--write-answers', 'answers.json'], { cwd, umask: '000' });
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(await modeOf(join(cwd, 'answers.json')), 0o600);
    assert.equal(await modeOf(join(cwd, 'installer.properties')), 0o600);

    const other = await folder();
    await writeFile(join(other, 'shadow'), 'root only\n');
    await chmod(join(other, 'shadow'), 0o600);
    await symlink(join(other, 'shadow'), join(other, 'answers.json'));
    const refused = await runCli([...ANSWERS, '--write-answers', 'answers.json'], { cwd: other });
    assert.equal(refused.code, 4);
    assert.equal(
      refused.stderr,
      '✖ --write-answers: cannot write answers.json: it is a symbolic link; the program does not write through a link; installer.properties was written\n',
    );
    assert.equal(await readFile(join(other, 'shadow'), 'utf8'), 'root only\n');
    assert.equal(await modeOf(join(other, 'shadow')), 0o600);
  });

  test('a sticky world-writable folder (as /tmp): refused before anything is asked (exit 4), saying why; --force writes there', async () => {
    const cwd = await folder(0o1777);
    const refused = await runCli(ANSWERS, { cwd });
    assert.equal(refused.code, 4);
    assert.equal(
      refused.stderr,
      `✖ installer.properties is not written: its folder ${cwd} (mode 0777, sticky) may be written by others than its owner, who could plant a link or read the password; choose a folder only its owner may write in, or add --force to write there anyway\n`,
    );
    const forced = await runCli([...ANSWERS, '--force'], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /✔ Wrote installer\.properties \(mode 0600, owner root:root\)\.\n$/);
  });

  test('--reconfigure of a root:nogroup 0640 file: still root:nogroup 0640, and the final message says so', { skip: !AS_ROOT && 'needs root' }, async () => {
    const cwd = await folder();
    const created = await runCli(ANSWERS, { cwd });
    assert.equal(created.code, 0, created.stderr);
    const path = join(cwd, 'installer.properties');
    await chown(path, 0, NOGROUP);
    await chmod(path, 0o640);
    const result = await runCli(['--non-interactive', '--no-probe', '--reconfigure', '--port', '587'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /✔ Wrote installer\.properties \(mode 0640, owner root:nogroup; the previous version is in installer\.properties\.bak\)\.\n$/);
    const stats = await stat(path);
    assert.deepEqual([stats.mode & 0o777, stats.uid, stats.gid], [0o640, 0, NOGROUP]);
  });

  test('a lock naming pid 1 (alive, not this program) does not block: taken over, written', async () => {
    const cwd = await folder();
    await writeFile(join(cwd, 'installer.properties.lock'), '1\n');
    const result = await runCli(ANSWERS, { cwd }, 10_000);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /✔ Wrote installer\.properties/);
  });
});

describe('input that would block or exhaust', () => {
  test('show -f /dev/zero, -f a FIFO, -f a 5 MB file: exit 2 at once, each saying what it is', async () => {
    const cwd = await folder();
    execFileSync('mkfifo', [join(cwd, 'fifo.properties')]);
    await writeFile(join(cwd, 'big.properties'), Buffer.alloc(5 * 1024 * 1024, '#'));
    const started = Date.now();
    for (const [file, reason] of [
      ['/dev/zero', 'is a device, not a regular file'],
      ['fifo.properties', 'is a named pipe (FIFO), not a regular file'],
      ['big.properties', 'is 5242880 bytes; files over 4 MB (4194304 bytes) are refused'],
    ]) {
      const result = await runCli(['show', '-f', file!], { cwd }, 10_000);
      assert.deepEqual([result.code, result.stderr, result.stdout], [2, `✖ ${file}: cannot be read: it ${reason}\n`, '']);
    }
    assert.ok(Date.now() - started < 10_000);
  });

  test('--answers and --ca-file over 4 MB or a FIFO: exit 2, named', async () => {
    const cwd = await folder();
    await writeFile(join(cwd, 'big.json'), Buffer.alloc(INPUT_BYTES + 1, ' '));
    execFileSync('mkfifo', [join(cwd, 'ca.pem')]);
    const answers = await runCli([...ANSWERS, '--answers', 'big.json'], { cwd });
    assert.deepEqual(
      [answers.code, answers.stderr],
      [2, `✖ --answers: cannot read big.json: it is ${INPUT_BYTES + 1} bytes; files over 4 MB (4194304 bytes) are refused\n`],
    );
    const ca = await runCli(['check', '--ca-file', 'ca.pem'], { cwd });
    assert.deepEqual([ca.code, ca.stderr], [2, '✖ --ca-file: cannot read ca.pem: it is a named pipe (FIFO), not a regular file\n']);
  });

  test('installer.xml nested 200,000 deep: exit 2 at once naming where, in little memory', async () => {
    const cwd = await folder();
    const depth = 200_000;
    await writeFile(join(cwd, 'installer.xml'), `<?xml version="1.0"?>\n<InstallerConfig>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</InstallerConfig>\n`);
    const { result, cpuSeconds, maxRssMb } = await measured(['show', '-f', 'installer.xml'], cwd);
    assert.deepEqual([result.code, result.stdout], [2, '']);
    assert.equal(
      result.stderr,
      '✖ installer.xml:2:783: nests elements more than 256 deep here; an installer.xml nests a few levels: check that this is the right file\n',
    );
    assert.ok(cpuSeconds < 2 && maxRssMb < 150, `${cpuSeconds} s, ${maxRssMb} MB`);
  });

  test('a 4 MB installer.xml reconfigured: written, in under 3.5 s of CPU and 350 MB (it took 5 s and 390 MB when parsed for each look)', async (t) => {
    const cwd = await folder();
    const fixture = await readFile(new URL('../fixtures/installer.xml', import.meta.url), 'utf8');
    const entry = `    <Entry key="k" value="${'x'.repeat(60)}" />\n`;
    const filler = entry.repeat(Math.floor((INPUT_BYTES - fixture.length - 1000) / entry.length));
    await writeFile(join(cwd, 'installer.xml'), fixture.replace('  <Presence>', `  <Filler>\n${filler}  </Filler>\n  <Presence>`), { mode: 0o600 });
    const { result, cpuSeconds, maxRssMb } = await measured(['--non-interactive', '--no-probe', '--reconfigure', '--port', '2525', '-f', 'installer.xml'], cwd);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /✔ Wrote installer\.xml/);
    t.diagnostic(`4 MB installer.xml: ${cpuSeconds.toFixed(2)} s CPU, ${maxRssMb} MB`);
    assert.ok(cpuSeconds < 3.5 && maxRssMb < 350, `${cpuSeconds} s, ${maxRssMb} MB`);
  });

  test('--password-file on a pipe with a writer: read, to the same bound', async () => {
    const cwd = await folder();
    execFileSync('mkfifo', [join(cwd, 'password')]);
    const run = startCli([...ANSWERS, '--starttls', '--auth', '--username', 'u', '--password-file', 'password'], { cwd });
    await writeFile(join(cwd, 'password'), 'From-A-Pipe-1\n');
    const result = await run.result;
    assert.equal(result.code, 0, result.stderr);
    assert.match(await readFile(join(cwd, 'installer.properties'), 'latin1'), /^mail\.smtp\.password=From-A-Pipe-1$/m);
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    test(`${signal} while --password-file waits on a pipe no one writes: the process ends within 2 s`, async () => {
      const cwd = await folder();
      execFileSync('mkfifo', [join(cwd, 'password')]);
      const run = startCli([...ANSWERS, '--starttls', '--auth', '--username', 'u', '--password-file', 'password'], { cwd });
      // Signalled once it has the pipe open (its descriptors name it), waiting for a writer.
      const fifo = join(cwd, 'password');
      const holdsPipe = async () => {
        const fds = await readdir(`/proc/${run.child.pid}/fd`).catch(() => []);
        return (await Promise.all(fds.map((fd) => readlink(`/proc/${run.child.pid}/fd/${fd}`).catch(() => '')))).includes(fifo);
      };
      for (let waited = 0; !(await holdsPipe()); waited += 50) {
        assert.ok(waited < 15_000 && run.child.exitCode === null, 'the run never waited on the pipe');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const sent = Date.now();
      run.child.kill(signal);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 5000);
      const result = await run.result;
      clearTimeout(timer);
      const elapsed = Date.now() - sent;
      assert.ok(elapsed < 2000, `ended after ${elapsed} ms (${result.signal ?? result.code})`);
      assert.equal(result.code, { SIGTERM: 143, SIGINT: 130, SIGHUP: 129 }[signal]);
      assert.match(result.stdout, /Cancelled — nothing was written\.\n$/);
    });
  }
});

const INPUT_BYTES = 4 * 1024 * 1024;

/** A run's CPU time (user + system) and peak memory, as GNU time measures them. */
async function measured(args: string[], cwd: string) {
  const report = join(cwd, 'time.txt');
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      '/usr/bin/time',
      ['-o', report, '-f', '%U %S %M', process.execPath, CLI, ...args],
      { cwd, env: { PATH: process.env.PATH, LANG: 'C.UTF-8', NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
  const [user, system, rssKb] = (await readFile(report, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
  return { result, cpuSeconds: user! + system!, maxRssMb: Math.round(rssKb! / 1024) };
}
