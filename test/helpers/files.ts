/** Temporary folders (removed after the test file) and looking at what a run left in them. */
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

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
