/**
 * The one writer and reader (safe-file.ts) and the settings file's use of it, on a real disk as
 * root: planted symbolic and hard links, FIFOs, devices, folders in the way, a group-readable
 * file of another group, folders others may write in, umask 000. Nothing written through a
 * link, nothing blocks, every refusal says what is wrong.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, chown, link, lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WriteFileError } from '../../src/errors.ts';
import { createSettingsFolder, writeSettingsFile } from '../../src/settings/settings-file.ts';
import { INPUT_LIMIT, readBoundedFile } from '../../src/settings/safe-file.ts';
import { diskFileAccess } from '../../src/wizard/file-access.ts';
import { tempFolder } from '../helpers/files.ts';

const AS_ROOT = process.getuid?.() === 0;
const NOGROUP = 65534;
const OLD = Buffer.from('mail.smtp.host=old.example.com\nmail.smtp.password=secret\n');
const NEW = Buffer.from('mail.smtp.host=new.example.com\n');

const folder = (mode = 0o755) => tempFolder(mode);

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

async function refusal(promise: Promise<unknown>): Promise<WriteFileError> {
  const error = await promise.then(
    () => assert.fail('written'),
    (error: unknown) => error,
  );
  assert.ok(error instanceof WriteFileError, String(error));
  assert.equal(error.exitCode, 4);
  return error;
}

/** A secret file only root may read, as an attacker would aim a link at. */
async function rootOnly(dir: string): Promise<string> {
  const secret = join(dir, 'shadow');
  await writeFile(secret, 'root:secret-hash\n');
  await chmod(secret, 0o600);
  return secret;
}

describe('the settings file is never written through something planted in its place', () => {
  it('a hard link to a root-only file: refused, that file unchanged', async () => {
    const dir = await folder();
    const secret = await rootOnly(dir);
    const path = join(dir, 'installer.properties');
    await link(secret, path);
    const error = await refusal(writeSettingsFile(path, NEW, await readFile(path)));
    assert.equal(
      error.message,
      `${path} is a hard link (the same file has 2 names); the program does not write through a link; choose another path with --file`,
    );
    assert.equal(await readFile(secret, 'utf8'), 'root:secret-hash\n');
    assert.equal(await modeOf(secret), 0o600);
  });

  it('a FIFO, a device, a folder: refused at once (no open blocks), each named', async () => {
    const dir = await folder();
    const path = join(dir, 'installer.properties');
    execFileSync('mkfifo', [path]);
    const started = Date.now();
    assert.equal(
      (await refusal(writeSettingsFile(path, NEW, undefined))).message,
      `${path} is a named pipe (FIFO), not a regular file; choose another path with --file`,
    );
    await assert.rejects(diskFileAccess.load(path), { message: `${path}: cannot be read: it is a named pipe (FIFO), not a regular file` });
    assert.ok(Date.now() - started < 2000);
    await rm(path);
    if (AS_ROOT) {
      execFileSync('mknod', [path, 'c', '1', '3']); // /dev/null
      assert.equal(
        (await refusal(writeSettingsFile(path, NEW, undefined))).message,
        `${path} is a device, not a regular file; choose another path with --file`,
      );
      await rm(path);
    }
    await mkdir(path);
    assert.equal((await refusal(writeSettingsFile(path, NEW, undefined))).message, `${path} is a folder, not a regular file; choose another path with --file`);
  });

  it('a backup path that is a link: refused before anything is replaced', async () => {
    const dir = await folder();
    const secret = await rootOnly(dir);
    const path = join(dir, 'installer.properties');
    await writeFile(path, OLD);
    await symlink(secret, `${path}.bak`);
    const error = await refusal(writeSettingsFile(path, NEW, OLD));
    assert.equal(
      error.message,
      `${path} was not written: its backup ${path}.bak is a symbolic link; the program does not write through a link; remove it or move it away, then run again`,
    );
    assert.deepEqual(await readFile(path), OLD);
    assert.equal(await readFile(secret, 'utf8'), 'root:secret-hash\n');
  });

  it('a folder or a FIFO where the lock goes: a clear refusal, no hang, the file unchanged', async () => {
    const dir = await folder();
    const path = join(dir, 'installer.properties');
    await writeFile(path, OLD);
    await mkdir(`${path}.lock`);
    const started = Date.now();
    assert.equal(
      (await refusal(writeSettingsFile(path, NEW, OLD))).message,
      `the lock ${path}.lock is a folder, not a regular file: it must be a small file this program creates; remove it if no teaming-mail-setup is running, then run again`,
    );
    await rm(`${path}.lock`, { recursive: true });
    execFileSync('mkfifo', [`${path}.lock`]);
    assert.equal(
      (await refusal(writeSettingsFile(path, NEW, OLD))).message,
      `the lock ${path}.lock is a named pipe (FIFO), not a regular file: it must be a small file this program creates; remove it if no teaming-mail-setup is running, then run again`,
    );
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(await readFile(path), OLD);
    assert.deepEqual((await readdir(dir)).sort(), ['installer.properties', 'installer.properties.lock']);
  });
});

describe('owner and mode: kept, never widened, never silently narrowed', () => {
  it('root:nogroup 0640 stays root:nogroup 0640, and so does its backup; the message says so', {
    skip: !AS_ROOT && 'needs root to give a file another group',
  }, async () => {
    const dir = await folder();
    const path = join(dir, 'installer.properties');
    await writeFile(path, OLD);
    await chown(path, 0, NOGROUP);
    await chmod(path, 0o640);
    assert.deepEqual(await writeSettingsFile(path, NEW, OLD), { backup: `${path}.bak`, access: 'mode 0640, owner root:nogroup' });
    for (const file of [path, `${path}.bak`]) {
      const stats = await stat(file);
      assert.deepEqual([stats.mode & 0o777, stats.uid, stats.gid], [0o640, 0, NOGROUP], file);
    }
  });

  it('0664 (group write) becomes 0640, and the message says what was dropped', async () => {
    const dir = await folder();
    const path = join(dir, 'installer.properties');
    await writeFile(path, OLD);
    await chmod(path, 0o664);
    const { access } = await writeSettingsFile(path, NEW, OLD);
    assert.equal(access, "mode 0640, owner root:root; it was 0664: group write and others' access removed, as the file holds a password");
    assert.equal(await modeOf(path), 0o640);
  });

  for (const [name, mode] of [
    ['world-writable and sticky (as /tmp)', 0o1777],
    ['world-writable', 0o777],
    ['group-writable', 0o775],
  ] as const) {
    it(`a folder ${name}: refused (exit 4) saying why, unless forced`, async () => {
      const dir = await folder(mode);
      const path = join(dir, 'installer.properties');
      const error = await refusal(writeSettingsFile(path, NEW, undefined));
      const shown = `0${(mode & 0o777).toString(8)}${mode & 0o1000 ? ', sticky' : ''}`;
      assert.equal(
        error.message,
        `${path} is not written: its folder ${dir} (mode ${shown}) may be written by others than its owner, who could plant a link or read the password; choose a folder only its owner may write in, or add --force to write there anyway`,
      );
      assert.deepEqual(await readdir(dir), []);
      await writeSettingsFile(path, NEW, undefined, { force: true });
      assert.deepEqual(await readFile(path), NEW);
      assert.equal(await modeOf(path), 0o600);
    });
  }

  it('folders the wizard creates are 0750 under umask 000, each level', async () => {
    const dir = await folder();
    const previous = process.umask(0);
    try {
      await createSettingsFolder(join(dir, 'a', 'b'), join(dir, 'a', 'b', 'installer.properties'));
    } finally {
      process.umask(previous);
    }
    assert.equal(await modeOf(join(dir, 'a')), 0o750);
    assert.equal(await modeOf(join(dir, 'a', 'b')), 0o750);
  });
});

describe('the saved certificate', () => {
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('written 0644 under umask 000; a planted symbolic link, hard link or FIFO is refused with a warning, its target untouched', async () => {
    const dir = await folder();
    const file = join(dir, 'installer-mail-server.pem');
    const previous = process.umask(0);
    try {
      assert.equal(await diskFileAccess.saveCertificate(file, PEM), undefined);
    } finally {
      process.umask(previous);
    }
    assert.equal(await readFile(file, 'utf8'), PEM);
    assert.equal(await modeOf(file), 0o644);
    await rm(file);

    const secret = await rootOnly(dir);
    const warning = (reason: string) =>
      `the server's certificate could not be saved as ${file} (it ${reason}); it is in the check's report (--json: probe.certificate.pem)`;
    await symlink(secret, file);
    assert.equal(await diskFileAccess.saveCertificate(file, PEM), warning('is a symbolic link; the program does not write through a link'));
    await rm(file);
    await link(secret, file);
    assert.equal(
      await diskFileAccess.saveCertificate(file, PEM),
      warning('is a hard link (the same file has 2 names); the program does not write through a link'),
    );
    await rm(file);
    assert.equal(await readFile(secret, 'utf8'), 'root:secret-hash\n');
    assert.equal(await modeOf(secret), 0o600);
    execFileSync('mkfifo', [file]);
    assert.equal(await diskFileAccess.saveCertificate(file, PEM), warning('is a named pipe (FIFO), not a regular file'));
    assert.ok((await lstat(file)).isFIFO());
  });
});

describe('bounded reading', () => {
  it('a device (/dev/zero), a FIFO, a file over 4 MB: refused at once, with the size', async () => {
    await assert.rejects(readBoundedFile('/dev/zero'), { message: 'is a device, not a regular file' });
    const dir = await folder();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readBoundedFile(fifo), { message: 'is a named pipe (FIFO), not a regular file' });
    const big = join(dir, 'big');
    await writeFile(big, Buffer.alloc(INPUT_LIMIT + 1));
    await assert.rejects(readBoundedFile(big), { message: 'is 4194305 bytes; files over 4 MB (4194304 bytes) are refused' });
    await writeFile(big, Buffer.alloc(INPUT_LIMIT, 'x'));
    assert.equal((await readBoundedFile(big))?.length, INPUT_LIMIT);
  });
});
