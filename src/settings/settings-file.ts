/**
 * Reading and replacing the settings file on disk.
 *
 * A write never leaves a half-written file: the new bytes go to a temporary file in the same
 * folder (safe-file.ts: created exclusively, flushed), the previous file is copied to `<file>.bak`
 * the same way, then the temporary file is renamed over the old one. Both keep the owner and group
 * of the file they replace, mode 0600 plus its group read bit. A lock (file-lock.ts) keeps two runs
 * from interleaving, and a file that changed on disk since it was read is not overwritten. A
 * folder others may write in is refused (they could plant a link), unless forced.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import escapeStringRegexp from 'escape-string-regexp';
import { SettingsFileError, WriteFileError } from '../errors.ts';
import { acquireLock, isBreakFileOf, isThisProgramRunning } from './file-lock.ts';
import {
  createFolders,
  errorCode,
  fileErrorReason,
  inspectTarget,
  modeText,
  ownerText,
  readBoundedFile,
  replaceAtomically,
  writableByOthers,
} from './safe-file.ts';
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

export async function loadSettingsFile(path: string): Promise<LoadedSettingsFile> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readBoundedFile(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EISDIR') throw new SettingsFileError(path, 'is a folder, not a settings file: name the file with --file');
    if (code === 'EACCES') throw new SettingsFileError(path, 'cannot be read (permission denied): run as a user who may read it');
    throw new SettingsFileError(path, `cannot be read: it ${fileErrorReason(error)}`);
  }
  if (bytes === undefined) return { path, bytes: undefined, stored: { hasOutbound: false, settings: {} } };
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

/**
 * The outbound settings of an existing file, for `show` and `check`, with the JavaMail keys it holds
 * (what it leaves out, Teaming does without: see fileGaps); otherwise what to run instead.
 */
export async function loadStoredOutbound(path: string): Promise<StoredSettings> {
  const loaded = await loadSettingsFile(path);
  if (loaded.bytes === undefined) throw new SettingsFileError(path, 'does not exist: run teaming-mail-setup to create it, or name the file with --file');
  if (!loaded.stored.hasOutbound) throw new SettingsFileError(path, `holds no outbound e-mail settings: run teaming-mail-setup -f ${path} to add them`);
  return loaded.stored;
}

/** The bytes the file would hold with these settings; nothing is written. */
export async function renderSettingsFile(loaded: LoadedSettingsFile, settings: MailSettings): Promise<Buffer> {
  const format = await formatFor(loaded.path);
  return format.write(loaded.bytes, settings, loaded.path);
}

/**
 * The text the file would hold with these settings, for showing; nothing is written. Every
 * secret in it is masked, also those the settings do not manage (the database's, LDAP's, another protocol's).
 */
export async function previewSettingsFile(loaded: LoadedSettingsFile, settings: MailSettings, placeholder: string): Promise<string> {
  const format = await formatFor(loaded.path);
  return format.maskSecrets(format.decode(await renderSettingsFile(loaded, settings), loaded.path), placeholder);
}

export function backupPath(path: string): string {
  return `${path}.bak`;
}

function writeError(path: string, error: unknown): WriteFileError {
  const code = errorCode(error);
  const folder = dirname(path);
  if (code === 'EACCES' || code === 'EPERM')
    return new WriteFileError(`${path} cannot be written (permission denied in ${folder}): run as a user who may write there; the old file is unchanged`);
  if (code === 'EROFS') return new WriteFileError(`${path} cannot be written: ${folder} is on a read-only file system; the old file is unchanged`);
  if (code === 'ENOSPC') return new WriteFileError(`${path} cannot be written: no space left on the device; the old file is unchanged`);
  if (code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') {
    return new WriteFileError(
      `${path} cannot be written: a temporary file or the lock beside it is in the way (${fileErrorReason(error)}); the old file is unchanged`,
    );
  }
  return new WriteFileError(`${path} cannot be written: ${fileErrorReason(error)}; the old file is unchanged`);
}

/**
 * A run killed between creating a temporary file and renaming it leaves the file behind: the
 * next run (holding the lock) removes those of this file, its backup and its lock whose process is
 * gone, and the lock's break files whose owner is gone.
 */
async function removeStaleTemporaries(path: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeStringRegexp(basename(path))}(?:\\.bak|\\.lock)?\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  const folder = dirname(path);
  for (const entry of await fs.readdir(folder).catch(() => [])) {
    let pid = Number(pattern.exec(entry)?.[1]);
    if (isBreakFileOf(path, entry))
      pid = Number.parseInt((await readBoundedFile(join(folder, entry), { limit: 256 }).catch(() => undefined))?.toString('latin1') ?? '', 10) || Number.NaN;
    if (pid > 0 && pid !== process.pid && !isThisProgramRunning(pid)) await fs.rm(join(folder, entry), { force: true });
  }
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

/** What a write did: the backup's path, if any, and the mode and owner the file has now. */
export interface WrittenSettingsFile {
  backup?: string;
  /** `mode 0640, owner root:teaming`, and what changed about it, for the final message. */
  access: string;
}

/**
 * Replace the file with `bytes`. `expected` is what the file held when it was read (undefined: it
 * did not exist); if that changed meanwhile, nothing is written. `force`: write even in a folder
 * others may write in.
 */
export async function writeSettingsFile(
  path: string,
  bytes: Buffer,
  expected: Buffer | undefined,
  options: { force?: boolean } = {},
): Promise<WrittenSettingsFile> {
  const write = replaceSettingsFile(path, bytes, expected, options.force === true);
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

/** The mode of the settings folder the wizard creates: Teaming's group may go through it. */
export const FOLDER_MODE = 0o750;

/** Create the settings file's folder (and its missing parents), each 0750 whatever the umask. */
export async function createSettingsFolder(folder: string, path: string): Promise<void> {
  await createFolders(folder, FOLDER_MODE).catch((error: unknown) => {
    throw new WriteFileError(
      `${path} cannot be written: the folder ${folder} could not be created (${fileErrorReason(error)}); create it or choose another path with --file`,
    );
  });
}

/**
 * Refuse a target the write would refuse: a missing folder, one this user may not write in, one
 * others may write in (unless `force`), a symbolic or hard link, something that is no regular
 * file. Checked before the first question (so no answers are lost to it) and again when writing.
 * Returns what is there now.
 */
export async function checkTarget(path: string, options: { force?: boolean } = {}): Promise<Stats | undefined> {
  if ((await missingFolder(path)) !== undefined) throw missingFolderError(path);
  const folder = dirname(path);
  await fs.access(folder, constants.W_OK | constants.X_OK).catch((error: unknown) => {
    throw writeError(path, error);
  });
  const folderStats = await fs.stat(folder);
  if (!options.force && writableByOthers(folderStats)) {
    throw new WriteFileError(
      `${path} is not written: its folder ${resolve(folder)} (mode ${modeText(folderStats.mode)}${folderStats.mode & 0o1000 ? ', sticky' : ''}) may be written by others than its owner, ` +
        'who could plant a link or read the password; choose a folder only its owner may write in, or add --force to write there anyway',
    );
  }
  const existing = await fs.lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const target = await fs.realpath(path).catch(() => undefined);
    throw new WriteFileError(
      target === undefined
        ? `${path} is a symbolic link to a file that does not exist; the wizard does not replace a link: name the real file with --file`
        : `${path} is a symbolic link to ${target}; the wizard does not replace a link: run again with --file ${target}`,
    );
  }
  try {
    return await inspectTarget(path);
  } catch (error) {
    throw new WriteFileError(`${path} ${fileErrorReason(error)}; choose another path with --file`);
  }
}

/**
 * The mode of the file written: 0600, plus the group read bit of the file it replaces (a Teaming
 * service may read it through its group). Never group write, never others.
 */
export function settingsFileMode(existing: Stats | undefined): number {
  return FILE_MODE | ((existing?.mode ?? 0) & 0o040);
}

async function accessText(path: string, previous: Stats | undefined): Promise<string> {
  const now = await fs.stat(path);
  let text = `mode ${modeText(now.mode & 0o777)}, owner ${await ownerText(now)}`;
  if (previous && (previous.mode & 0o777) !== (now.mode & 0o777)) {
    const removed = [previous.mode & 0o020 && 'group write', previous.mode & 0o007 && "others' access", previous.mode & 0o7100 && 'special bits'].filter(
      Boolean,
    );
    text += `; it was ${modeText(previous.mode)}: ${removed.join(' and ')} removed, as the file holds a password`;
  }
  if (previous && (previous.uid !== now.uid || previous.gid !== now.gid)) text += `; it was owned by ${await ownerText(previous)}`;
  return text;
}

async function replaceSettingsFile(path: string, bytes: Buffer, expected: Buffer | undefined, force: boolean): Promise<WrittenSettingsFile> {
  await checkTarget(path, { force });
  const release = await acquireLock(path);
  try {
    // Looked at again with the lock held: what is there now is what is replaced and compared.
    const existing = await checkTarget(path, { force });
    const current = existing ? await readBoundedFile(path) : undefined;
    const unchanged = current === undefined ? expected === undefined : expected !== undefined && current.equals(expected);
    if (!unchanged) {
      throw new WriteFileError(`${path} was changed by someone else while the wizard ran; nothing was written: run again`);
    }
    await removeStaleTemporaries(path);
    const owner = existing ? { uid: existing.uid, gid: existing.gid } : undefined;
    const mode = settingsFileMode(existing);
    let backup: string | undefined;
    if (current !== undefined) {
      backup = backupPath(path);
      try {
        await inspectTarget(backup);
      } catch (error) {
        throw new WriteFileError(`${path} was not written: its backup ${backup} ${fileErrorReason(error)}; remove it or move it away, then run again`);
      }
      await replaceAtomically(backup, current, mode, owner);
    }
    await replaceAtomically(path, bytes, mode, owner);
    return { backup, access: await accessText(path, existing) };
  } catch (error) {
    if (error instanceof WriteFileError) throw error;
    throw writeError(path, error);
  } finally {
    await release();
  }
}
