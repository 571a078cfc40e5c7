/** Temporary folders (removed after the test file) and looking at what a run left in them. */
import { chmod, lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const folders: string[] = [];
after(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

/** A new folder, mode 0700 (mkdtemp's) or `mode` (0o1777 for a folder like /tmp). */
export async function tempFolder(mode?: number): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'teaming-mail-setup-'));
  folders.push(folder);
  if (mode !== undefined) await chmod(folder, mode);
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
