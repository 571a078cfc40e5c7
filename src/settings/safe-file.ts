/**
 * The one way this program touches a file on disk, for reading and for writing; nothing else
 * opens, creates or replaces a file. Written by hand: Node's fs has the pieces, no maintained
 * library puts them together with these refusals (write-file-atomic follows links and keeps no
 * group bit; it knows no FIFOs or hard links).
 *
 * - Reading: opened with O_NONBLOCK (a FIFO never blocks the open), refused unless a regular
 *   file (a FIFO, a device such as /dev/zero, a folder), refused over INPUT_LIMIT bytes, read
 *   with that bound whatever the size says.
 * - Writing: a temporary file created exclusively (O_EXCL | O_NOFOLLOW) in the target's folder,
 *   given its mode and owner, written, flushed, renamed over the target; the folder flushed. The
 *   target is refused when it is a symbolic link, a hard link (more than one name), or anything
 *   but a regular file: it is only looked at (lstat), never opened.
 * - Folders: created one level at a time with an explicit mode, whatever the umask.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Settings files, answers files and CA files over this size are refused: 4 MB. */
export const INPUT_LIMIT = 4 * 1024 * 1024;

/** Why a file was refused or could not be used: a sentence about it, never its content, without its path. */
export class FileRefusedError extends Error {
  constructor(
    readonly reason: string,
    readonly code?: string,
  ) {
    super(reason);
    this.name = 'FileRefusedError';
  }
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** What a file system error means, in words that follow "it" (Node's messages repeat the path). */
export function fileErrorReason(error: unknown): string {
  if (error instanceof FileRefusedError) return error.reason;
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'may not be used by this user (permission denied)';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'is below something that is not a folder';
    case 'ELOOP':
      return 'is a symbolic link';
    case 'EROFS':
      return 'is on a read-only file system';
    case 'ENOSPC':
      return 'cannot be written: no space left on the device';
    case 'ENAMETOOLONG':
      return 'has a name that is too long';
    default:
      return `cannot be used (${errorCode(error) ?? (error as Error)?.message ?? String(error)})`;
  }
}

/** What a directory entry is, when it is not a regular file. */
export function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'a regular file';
}

export interface ReadOptions {
  /** Default INPUT_LIMIT. */
  limit?: number;
  /** Also read a pipe (`--password-file <(…)`), up to the limit. */
  allowPipe?: boolean;
}

/** `4 MB (4194304 bytes)`. */
function limitText(limit: number): string {
  return limit >= 1024 * 1024 ? `${limit / 1024 / 1024} MB (${limit} bytes)` : `${limit} bytes`;
}

/**
 * The bytes of a regular file of at most `limit` bytes; undefined when it does not exist.
 * Throws FileRefusedError for anything else. Opened, looked at and read on this thread: with
 * O_NONBLOCK none of it can wait (a bounded file reads in milliseconds), and nothing is left
 * blocked in Node's thread pool, where a waiting call would keep the process from exiting.
 */
export async function readBoundedFile(path: string, options: ReadOptions = {}): Promise<Buffer | undefined> {
  const { openSync, fstatSync, readSync, closeSync } = process.getBuiltinModule('node:fs');
  const limit = options.limit ?? INPUT_LIMIT;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new FileRefusedError(fileErrorReason(error), errorCode(error));
  }
  let handedOver = false;
  try {
    const stats = fstatSync(fd);
    const pipe = options.allowPipe === true && stats.isFIFO();
    if (!stats.isFile() && !pipe) throw new FileRefusedError(`is ${kindOf(stats)}, not a regular file`, stats.isDirectory() ? 'EISDIR' : 'ENOTFILE');
    if (stats.size > limit) throw new FileRefusedError(`is ${stats.size} bytes; files over ${limitText(limit)} are refused`, 'EFBIG');
    if (pipe) {
      // A pipe given on purpose (`--password-file <(…)`) is read as a stream, to the same bound.
      handedOver = true;
      return await readPipe(fd, limit);
    }
    const buffer = Buffer.alloc(Math.min(stats.size, limit) + 1);
    let total = 0;
    for (let read = -1; read !== 0 && total < buffer.length; total += read) read = readSync(fd, buffer, total, buffer.length - total, null);
    if (total > limit) throw new FileRefusedError(`grew while read; files over ${limitText(limit)} are refused`, 'EFBIG');
    return buffer.subarray(0, total);
  } catch (error) {
    if (error instanceof FileRefusedError) throw error;
    throw new FileRefusedError(fileErrorReason(error), errorCode(error));
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

/**
 * A pipe, read through its non-blocking descriptor as a socket is read: it waits for its writer
 * without holding a thread (a signal still ends the run at once).
 */
function readPipe(fd: number, limit: number): Promise<Buffer> {
  const { Socket } = process.getBuiltinModule('node:net');
  const pipe = new Socket({ fd, readable: true, writable: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    pipe.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        pipe.destroy();
        reject(new FileRefusedError(`holds more; files over ${limitText(limit)} are refused`, 'EFBIG'));
      } else chunks.push(chunk);
    });
    pipe.on('end', () => resolve(Buffer.concat(chunks)));
    pipe.on('error', (error) => reject(new FileRefusedError(fileErrorReason(error), errorCode(error))));
  });
}

/**
 * What is at a path the program is about to replace: undefined when nothing is; its stats when it
 * is a regular file with one name. Only looked at (lstat): a FIFO or a device is never opened.
 */
export async function inspectTarget(path: string): Promise<Stats | undefined> {
  const existing = await fs.lstat(path).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new FileRefusedError(fileErrorReason(error), errorCode(error));
  });
  if (existing === undefined) return undefined;
  if (existing.isSymbolicLink()) throw new FileRefusedError('is a symbolic link; the program does not write through a link', 'ELINK');
  if (!existing.isFile()) throw new FileRefusedError(`is ${kindOf(existing)}, not a regular file`, 'ENOTFILE');
  if (existing.nlink > 1) {
    throw new FileRefusedError(`is a hard link (the same file has ${existing.nlink} names); the program does not write through a link`, 'ELINK');
  }
  return existing;
}

/** `.<name>.<pid>.<8 hex>.tmp`: the temporary files of this process, named so a later run can tell whose they are. */
export function temporaryPath(target: string): string {
  // node:crypto loads only when a file is written, not before the first question (about 2 ms and 2 MB).
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export interface Owner {
  uid: number;
  gid: number;
}

/** A new file, created exclusively (never through a link), with this mode and owner, holding `bytes`, flushed. Returns its path. */
export async function createExclusive(path: string, bytes: Buffer | string, mode: number, owner?: Owner): Promise<void> {
  const handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    // chown first: it may clear mode bits; then the mode, whatever the umask.
    if (owner)
      await handle.chown(owner.uid, owner.gid).catch((error: unknown) => {
        // Not root: the owner stays this user; keeping the group may be refused too. The final message says what the file has.
        if (errorCode(error) !== 'EPERM') throw error;
      });
    await handle.chmod(mode);
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await fs.rm(path, { force: true });
    throw error;
  }
  await handle.close();
}

/**
 * Replace `target` by a file holding `bytes` with this mode (and owner), atomically: a reader sees
 * the old file or the new one, never a part. The caller has looked at the target (inspectTarget).
 */
export async function replaceAtomically(target: string, bytes: Buffer | string, mode: number, owner?: Owner): Promise<void> {
  const temporary = temporaryPath(target);
  await createExclusive(temporary, bytes, mode, owner);
  try {
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dirname(target));
}

/** Write a file that is not the settings file (answers, certificate): refused through links and onto anything but a regular file. */
export async function writeSmallFile(target: string, bytes: Buffer | string, mode: number): Promise<void> {
  await inspectTarget(target);
  try {
    await replaceAtomically(target, bytes, mode);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new FileRefusedError(`is in a folder that does not exist (${dirname(target)})`, 'ENOENT');
    throw new FileRefusedError(fileErrorReason(error), errorCode(error));
  }
}

export async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, constants.O_RDONLY | constants.O_DIRECTORY).catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}

/** Create `folder` and any missing parent, each with exactly `mode` (the umask does not apply). */
export async function createFolders(folder: string, mode: number): Promise<void> {
  const missing: string[] = [];
  for (let at = folder; ; at = dirname(at)) {
    const stats = await fs.lstat(at).catch(() => undefined);
    if (stats?.isDirectory()) break;
    if (stats) throw new FileRefusedError(`${at} is ${kindOf(stats)}, not a folder`, 'ENOTDIR');
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const at of missing) {
    await fs.mkdir(at, { mode }).catch((error: unknown) => {
      if (errorCode(error) !== 'EEXIST') throw new FileRefusedError(`${at}: ${fileErrorReason(error)}`, errorCode(error));
    });
    await fs.chmod(at, mode);
  }
}

/** A folder others than its owner may write in (group or others write bit, sticky or not): they could plant a link or a file there. */
export function writableByOthers(folder: Stats): boolean {
  return (folder.mode & 0o022) !== 0;
}

/** `0640`. */
export function modeText(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/** `root:teaming`: the names from /etc/passwd and /etc/group when they are there, else the numbers. */
export async function ownerText(stats: Owner): Promise<string> {
  const nameIn = async (file: string, id: number) => {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const [name, , number] = line.split(':');
      if (name && Number(number) === id) return name;
    }
    return String(id);
  };
  return `${await nameIn('/etc/passwd', stats.uid)}:${await nameIn('/etc/group', stats.gid)}`;
}
