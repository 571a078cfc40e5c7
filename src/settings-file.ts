/**
 * Reading and replacing the settings file on disk.
 *
 * A write never leaves a half-written file: the new bytes go to a temporary file in the same
 * folder (mode 0600, flushed), the previous file is copied to `<file>.bak` the same way, then the
 * temporary file is renamed over the old one. A lock file keeps two runs from interleaving, and
 * a file that changed on disk since it was read is not overwritten.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SettingsFileError, WriteFileError } from './errors.ts';
import type { StoredSettings } from './installer-properties.ts';
import { formatFor } from './settings-format.ts';
import type { MailSettings } from './settings.ts';

export interface LoadedSettingsFile {
  path: string;
  /** undefined: the file does not exist yet. */
  bytes: Buffer | undefined;
  stored: StoredSettings;
}

const FILE_MODE = 0o600;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export async function loadSettingsFile(path: string): Promise<LoadedSettingsFile> {
  let bytes: Buffer | undefined;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { path, bytes: undefined, stored: { hasOutbound: false, settings: {} } };
    if (errorCode(error) === 'EISDIR') throw new SettingsFileError(path, 'is a folder, not a settings file: name the file with --file');
    if (errorCode(error) === 'EACCES') throw new SettingsFileError(path, 'cannot be read (permission denied): run as a user who may read it');
    throw new SettingsFileError(path, `cannot be read: ${(error as Error).message}`);
  }
  const format = await formatFor(path);
  return { path, bytes, stored: format.read(bytes, path) };
}

/** The bytes the file would hold with these settings; nothing is written. */
export async function renderSettingsFile(loaded: LoadedSettingsFile, settings: MailSettings): Promise<Buffer> {
  const format = await formatFor(loaded.path);
  return format.write(loaded.bytes, settings, loaded.path);
}

/**
 * The text the file would hold with these settings, for showing; nothing is written. Every
 * password in it is masked, also those the settings do not manage (another protocol's).
 */
export async function previewSettingsFile(loaded: LoadedSettingsFile, settings: MailSettings, placeholder: string): Promise<string> {
  const format = await formatFor(loaded.path);
  const text = format.write(loaded.bytes, settings, loaded.path).toString(format.name === 'xml' ? 'utf8' : 'latin1');
  return format.maskPasswords ? format.maskPasswords(text, placeholder) : text;
}

export function backupPath(path: string): string {
  return `${path}.bak`;
}

function lockPath(path: string): string {
  return `${path}.lock`;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

async function acquireLock(path: string): Promise<() => Promise<void>> {
  const lock = lockPath(path);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lock, 'wx', FILE_MODE);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => fs.rm(lock, { force: true });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw writeError(path, error);
      const pid = Number.parseInt(await fs.readFile(lock, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new WriteFileError(
          `${path} is being written by another teaming-mail-setup (process ${pid}); wait for it to finish, then run again`,
        );
      }
      // Left behind by a run that was killed: take it over.
      await fs.rm(lock, { force: true });
    }
  }
  throw new WriteFileError(`${path}: could not take the lock ${lock}; remove it if no other run is active`);
}

function writeError(path: string, error: unknown): WriteFileError {
  const code = errorCode(error);
  const folder = dirname(path);
  if (code === 'EACCES' || code === 'EPERM')
    return new WriteFileError(`${path} cannot be written (permission denied in ${folder}): run as a user who may write there; the old file is unchanged`);
  if (code === 'EROFS') return new WriteFileError(`${path} cannot be written: ${folder} is on a read-only file system; the old file is unchanged`);
  if (code === 'ENOSPC') return new WriteFileError(`${path} cannot be written: no space left on the device; the old file is unchanged`);
  return new WriteFileError(`${path} cannot be written: ${(error as Error).message}; the old file is unchanged`);
}

async function writeTemporary(folder: string, name: string, bytes: Buffer, owner?: { uid: number; gid: number }): Promise<string> {
  const temporary = join(folder, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
  try {
    await handle.chmod(FILE_MODE); // whatever the umask
    if (owner && process.getuid?.() === 0) await handle.chown(owner.uid, owner.gid);
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  return temporary;
}

async function replaceAtomically(target: string, bytes: Buffer, owner?: { uid: number; gid: number }): Promise<void> {
  const temporary = await writeTemporary(dirname(target), basename(target), bytes, owner);
  try {
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}

/**
 * Replace the file with `bytes`. `expected` is what the file held when it was read (undefined: it
 * did not exist); if that changed meanwhile, nothing is written. Returns the backup's path, if any.
 */
export async function writeSettingsFile(path: string, bytes: Buffer, expected: Buffer | undefined): Promise<string | undefined> {
  const folder = dirname(path);
  const folderStat = await fs.stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) {
    throw new WriteFileError(`${path} cannot be written: the folder ${folder} does not exist; create it or choose another path with --file`);
  }
  const existing = await fs.lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    throw new WriteFileError(
      `${path} is a symbolic link; the wizard does not replace a link: pass the file it points to with --file "$(readlink -f ${path})"`,
    );
  }
  if (existing && !existing.isFile()) throw new WriteFileError(`${path} is not a regular file; choose another path with --file`);

  const release = await acquireLock(path);
  try {
    const current = await fs.readFile(path).catch((error) => {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    });
    const unchanged = current === undefined ? expected === undefined : expected !== undefined && current.equals(expected);
    if (!unchanged) {
      throw new WriteFileError(`${path} was changed by someone else while the wizard ran; nothing was written: run again`);
    }
    const owner = existing ? { uid: existing.uid, gid: existing.gid } : undefined;
    let backup: string | undefined;
    if (current !== undefined) {
      backup = backupPath(path);
      await replaceAtomically(backup, current, owner);
    }
    await replaceAtomically(path, bytes, owner);
    await syncFolder(folder);
    return backup;
  } catch (error) {
    if (error instanceof WriteFileError) throw error;
    throw writeError(path, error);
  } finally {
    await release();
  }
}
