/**
 * Reading and replacing the settings file on disk.
 *
 * A write never leaves a half-written file: the new bytes go to a temporary file in the same
 * folder (mode 0600, flushed), the previous file is copied to `<file>.bak` the same way, then the
 * temporary file is renamed over the old one. A lock file keeps two runs from interleaving, and
 * a file that changed on disk since it was read is not overwritten.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import escapeStringRegexp from 'escape-string-regexp';
import { SettingsFileError, WriteFileError } from '../errors.ts';
import type { StoredSettings } from './managed-settings.ts';
import { formatFor } from './settings-format.ts';
import type { MailSettings, Protocol } from './settings.ts';

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

/**
 * The defaults a reconfiguration offers for each protocol: that protocol's stored keys
 * (mail.smtps.* for SMTPS), so choosing the other protocol never offers this one's values for
 * keys the file already holds. A protocol with no keys stored (no host) gets the file's values
 * for the same server and account; its port is that protocol's default (see the port question).
 * Invalid values of either protocol make the file unreadable, before the first question.
 */
export async function storedByProtocol(loaded: LoadedSettingsFile): Promise<Record<Protocol, Partial<MailSettings>>> {
  const fileSettings = loaded.stored.settings;
  const format = await formatFor(loaded.path);
  const view = (protocol: Protocol): Partial<MailSettings> => {
    if (loaded.bytes === undefined || protocol === fileSettings.protocol) return fileSettings;
    const stored = format.read(loaded.bytes, loaded.path, protocol);
    return stored.hasOutbound ? stored.settings : fileSettings;
  };
  return { smtp: view('smtp'), smtps: view('smtps') };
}

/** The outbound settings of an existing file, for `show` and `check`; otherwise what to run instead. */
export async function loadOutboundSettings(path: string): Promise<Partial<MailSettings>> {
  const loaded = await loadSettingsFile(path);
  if (loaded.bytes === undefined) throw new SettingsFileError(path, 'does not exist: run teaming-mail-setup to create it, or name the file with --file');
  if (!loaded.stored.hasOutbound) throw new SettingsFileError(path, `holds no outbound e-mail settings: run teaming-mail-setup -f ${path} to add them`);
  return loaded.stored.settings;
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
  return format.maskPasswords(format.decode(await renderSettingsFile(loaded, settings), loaded.path), placeholder);
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

/** `.<name>.<pid>.<8 hex>.tmp`: the temporary files of this process, named so a later run can tell whose they are. */
function temporaryPath(target: string): string {
  // node:crypto loads only when a file is written, not before the first question (about 2 ms and 2 MB).
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * The lock appears with the owner's pid already in it (written aside, then hard-linked into
 * place; link fails if the lock exists), so no one ever sees an empty lock and takes it for stale.
 */
async function createLock(lock: string): Promise<void> {
  const temporary = temporaryPath(lock);
  await fs.writeFile(temporary, `${process.pid}\n`, { mode: FILE_MODE, flag: 'wx' });
  try {
    await fs.link(temporary, lock).catch(async (error: unknown) => {
      // A file system without hard links: create it in place (an empty lock is briefly visible).
      if (!['EPERM', 'ENOTSUP', 'ENOSYS'].includes(errorCode(error) ?? '')) throw error;
      await fs.writeFile(lock, `${process.pid}\n`, { mode: FILE_MODE, flag: 'wx' });
    });
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function acquireLock(path: string): Promise<() => Promise<void>> {
  const lock = lockPath(path);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await createLock(lock);
      return () => fs.rm(lock, { force: true });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw writeError(path, error);
      const pid = Number.parseInt(await fs.readFile(lock, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new WriteFileError(`${path} is being written by another teaming-mail-setup (process ${pid}); wait for it to finish, then run again`);
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

async function writeTemporary(target: string, bytes: Buffer, owner?: { uid: number; gid: number }): Promise<string> {
  const temporary = temporaryPath(target);
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
  const temporary = await writeTemporary(target, bytes, owner);
  try {
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * A run killed between creating a temporary file and renaming it leaves the file behind: the
 * next run (holding the lock) removes those of this file, its backup and its lock whose process is gone.
 */
async function removeStaleTemporaries(path: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeStringRegexp(basename(path))}(?:\\.bak|\\.lock)?\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  const folder = dirname(path);
  for (const entry of await fs.readdir(folder).catch(() => [])) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (pid > 0 && pid !== process.pid && !isRunning(pid)) await fs.rm(join(folder, entry), { force: true });
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}

/** Writes under way in this process, each with whether it replaced its file once it is over. */
const pendingWrites = new Set<{ path: string; written: Promise<boolean> }>();
/** The files this process has replaced: a later cancel must not claim that nothing was written. */
const writtenFiles: string[] = [];

export function settingsFilesWritten(): readonly string[] {
  return writtenFiles;
}

/**
 * The writes under way: a signal waits for them, so that the process never exits between the
 * backup and the rename, or with the lock still in place.
 */
export function settingsWritesUnderWay(): { path: string; written: Promise<boolean> }[] {
  return [...pendingWrites];
}

/**
 * Replace the file with `bytes`. `expected` is what the file held when it was read (undefined: it
 * did not exist); if that changed meanwhile, nothing is written. Returns the backup's path, if any.
 */
export async function writeSettingsFile(path: string, bytes: Buffer, expected: Buffer | undefined): Promise<string | undefined> {
  const write = replaceSettingsFile(path, bytes, expected);
  const written = write.then(
    () => {
      writtenFiles.push(path);
      return true;
    },
    () => false,
  );
  const pending = { path, written };
  pendingWrites.add(pending);
  try {
    return await write;
  } finally {
    pendingWrites.delete(pending);
  }
}

/** The folder the file goes into, when it does not exist (or is no folder); undefined when it does. */
export async function missingFolder(path: string): Promise<string | undefined> {
  const folder = dirname(path);
  const folderStat = await fs.stat(folder).catch(() => undefined);
  return folderStat?.isDirectory() ? undefined : folder;
}

export function missingFolderError(path: string): WriteFileError {
  return new WriteFileError(`${path} cannot be written: the folder ${dirname(path)} does not exist; create it or choose another path with --file`);
}

/**
 * Refuse a target the write would refuse: a missing folder, one this user may not write in, a
 * symbolic link, something that is no regular file. Checked before the first question (so no
 * answers are lost to it) and again when writing. Returns what is there now.
 */
export async function checkTarget(path: string): Promise<Stats | undefined> {
  if ((await missingFolder(path)) !== undefined) throw missingFolderError(path);
  await fs.access(dirname(path), constants.W_OK | constants.X_OK).catch((error: unknown) => {
    throw writeError(path, error);
  });
  const existing = await fs.lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const target = await fs.realpath(path).catch(() => undefined);
    throw new WriteFileError(
      target === undefined
        ? `${path} is a symbolic link to a file that does not exist; the wizard does not replace a link: name the real file with --file`
        : `${path} is a symbolic link to ${target}; the wizard does not replace a link: run again with --file ${target}`,
    );
  }
  if (existing && !existing.isFile()) throw new WriteFileError(`${path} is not a regular file; choose another path with --file`);
  return existing;
}

async function replaceSettingsFile(path: string, bytes: Buffer, expected: Buffer | undefined): Promise<string | undefined> {
  const folder = dirname(path);
  const existing = await checkTarget(path);
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
    await removeStaleTemporaries(path);
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
