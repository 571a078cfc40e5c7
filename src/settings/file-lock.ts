/**
 * The lock beside a settings file (`<file>.lock`), so that two runs never write from the same old
 * bytes. Written by hand: proper-lockfile and its kind judge staleness by age and take a stale
 * lock by delete-and-create, which two runs can do at once.
 *
 * - A lock holds `<pid> <16 hex>`: its owner and a token no other lock ever holds. It appears
 *   with that content already in it (written aside, then hard-linked into place; link fails if a
 *   lock exists), so no one sees an empty lock.
 * - A lock is held while its owner is alive and really is this program (its command line names
 *   it): a pid reused by another process, or a lock naming pid 1, is stale.
 * - A stale lock is replaced by an atomic rename, by the one run that first creates
 *   `.<file>.lock.<token>.break` (exclusively, again with its owner inside): the token is the stale
 *   lock's, so runs that saw the same stale lock contend for the same name, and the winner checks
 *   that the lock still holds that token before renaming. A break file whose owner died is itself
 *   broken the same way (its own token names the next one).
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { WriteFileError } from '../errors.ts';
import { createExclusive, errorCode, FileRefusedError, readBoundedFile, temporaryPath } from './safe-file.ts';

export function lockPath(path: string): string {
  return `${path}.lock`;
}

function breakPath(lock: string, key: string): string {
  return join(dirname(lock), `.${basename(lock)}.${key}.break`);
}

/** The break files of a settings file's lock: `.<file>.lock.<key>.break`. */
export function isBreakFileOf(path: string, entry: string): boolean {
  return entry.startsWith(`.${basename(lockPath(path))}.`) && entry.endsWith('.break');
}

function commandLineOf(pid: number): string[] | undefined {
  try {
    const { readFileSync } = process.getBuiltinModule('node:fs');
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** Is `pid` a live process of this program (the same script, or one named teaming-mail-setup)? */
export function isThisProgramRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (errorCode(error) !== 'EPERM') return false;
  }
  const args = commandLineOf(pid);
  // No /proc (not Linux): a live process is taken for the owner.
  if (args === undefined) return process.platform !== 'linux';
  const script = process.argv[1];
  return args.some((arg) => arg === script || basename(arg).startsWith('teaming-mail-setup'));
}

interface Holder {
  /** Names this lock (or break file) and no other: its token, else its inode. */
  key: string;
  pid: number | undefined;
}

/** Who holds a lock or break file; undefined when it is gone. */
async function holderOf(file: string, shownAs: string): Promise<Holder | undefined> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readBoundedFile(file, { limit: 256 });
  } catch (error) {
    const reason = error instanceof FileRefusedError ? error.reason : String(error);
    throw new WriteFileError(
      `the lock ${shownAs} ${reason}: it must be a small file this program creates; remove it if no teaming-mail-setup is running, then run again`,
    );
  }
  if (bytes === undefined) return undefined;
  const match = /^(\d+)(?: ([0-9a-f]{16}))?\n?$/.exec(bytes.toString('latin1'));
  const pid = match ? Number(match[1]) : undefined;
  if (match?.[2]) return { key: match[2], pid };
  // An older lock (a pid alone) or a damaged one: named by its inode and time.
  const stats = await fs.lstat(file).catch(() => undefined);
  if (!stats) return undefined;
  return { key: `i${stats.ino}m${Math.trunc(stats.mtimeMs)}`, pid };
}

/** Make `file` appear holding `content` (exclusively); false when it exists already. */
async function publish(file: string, content: string): Promise<boolean> {
  const temporary = temporaryPath(file);
  await createExclusive(temporary, content, 0o600);
  try {
    await fs.link(temporary, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    // A file system without hard links: create it in place (briefly empty, which reads as stale garbage).
    if (!['EPERM', 'ENOTSUP', 'ENOSYS'].includes(errorCode(error) ?? '')) throw error;
    try {
      await createExclusive(file, content, 0o600);
      return true;
    } catch (inPlace) {
      if (errorCode(inPlace) === 'EEXIST') return false;
      throw inPlace;
    }
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/**
 * The right to replace the lock whose key is `key`: the break files taken (to remove once the
 * lock is replaced), or undefined when a live run has it.
 */
async function takeBreakRight(lock: string, key: string, content: string, depth = 0): Promise<string[] | undefined> {
  const file = breakPath(lock, key);
  if (await publish(file, content)) return [file];
  const holder = await holderOf(file, file);
  if (holder === undefined || depth > 8) return undefined; // gone meanwhile: try again from the start
  if (holder.pid !== undefined && isThisProgramRunning(holder.pid)) return undefined;
  // Its owner died holding it: break it too, the same way.
  const deeper = await takeBreakRight(lock, holder.key, content, depth + 1);
  return deeper && [...deeper, file];
}

/**
 * Take the lock of `path`; returns its release. A lock held by a live run of this program is
 * refused at once (WriteFileError) rather than waited for: that run will change the file, which
 * this run would then refuse to overwrite anyway.
 */
export async function acquireLock(path: string): Promise<() => Promise<void>> {
  const lock = lockPath(path);
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  const content = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const release = async () => {
    // Only our own lock: never one that replaced it.
    const now = await readBoundedFile(lock, { limit: 256 }).catch(() => undefined);
    if (now?.toString('latin1') === content) await fs.rm(lock, { force: true });
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await publish(lock, content)) return release;
    const holder = await holderOf(lock, lock);
    if (holder === undefined) continue;
    if (holder.pid !== undefined && isThisProgramRunning(holder.pid)) {
      throw new WriteFileError(`${path} is being written by another teaming-mail-setup (process ${holder.pid}); wait for it to finish, then run again`);
    }
    // Left behind by a run that was killed, or naming a process that is not this program: replace it.
    const right = await takeBreakRight(lock, holder.key, content);
    if (right) {
      try {
        if ((await holderOf(lock, lock))?.key === holder.key) {
          const replacement = temporaryPath(lock);
          await createExclusive(replacement, content, 0o600);
          await fs.rename(replacement, lock).catch(async (error: unknown) => {
            await fs.rm(replacement, { force: true });
            throw error;
          });
          return release;
        }
      } finally {
        for (const file of right) await fs.rm(file, { force: true });
      }
    }
    // Another run is replacing it right now: look again in a moment.
    await delay(5 + Math.random() * 20);
  }
  throw new WriteFileError(`${path}: could not take the lock ${lock}: other runs kept taking it; run again`);
}
