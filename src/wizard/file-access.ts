/**
 * The wizard's disk, as a capability (as the probe is one): reading the settings file, making
 * sure it can be written, writing it, saving the server's certificate beside it, and looking
 * whether a JDK keeps its cacerts under jre/. A real run uses `diskFileAccess`; the wizard itself
 * touches no file. Every write goes through settings/safe-file.ts.
 */
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  checkTarget,
  createSettingsFolder,
  loadSettingsFile,
  missingFolder,
  writeSettingsFile,
  type LoadedSettingsFile,
  type WrittenSettingsFile,
} from '../settings/settings-file.ts';
import { fileErrorReason, writeSmallFile } from '../settings/safe-file.ts';
import { caPath } from './saved-trust.ts';
import type { TrustNeed } from './teaming-java.ts';

export interface FileAccess {
  load(path: string): Promise<LoadedSettingsFile>;
  /** The first folder of the path that does not exist, if any. */
  missingFolder(path: string): Promise<string | undefined>;
  /** Creates the folder and those missing above it (mode 0750, whatever the umask): the outermost one it created. */
  createFolder(folder: string, path: string): Promise<string>;
  /** After a cancel: the folders createFolder made for `path`, from the innermost up to `created`, each removed if still empty. */
  removeEmptyFolders(created: string, path: string): Promise<void>;
  /** Throws a WriteFileError when the file could not be written where it is (`force`: also in a folder others may write in). */
  checkTarget(path: string, options: { force: boolean }): Promise<void>;
  /** Replaces the file atomically (see settings-file.ts): the backup's path, if one was made, and the file's mode and owner. */
  write(path: string, bytes: Buffer, expected: Buffer | undefined, options: { force: boolean }): Promise<WrittenSettingsFile>;
  /** Saves the server's certificate as `certificateFile` and the CA it was trusted through (saved-trust.ts): a warning when it could not; undefined when it was. */
  saveCertificate(settingsFile: string, certificateFile: string, need: TrustNeed): Promise<string | undefined>;
  /** Is there a regular file (or a link to one) at `path`? */
  isFile(path: string): Promise<boolean>;
}

/**
 * Save the certificate next to the settings file, and the CA the check trusted it through (or
 * remove a CA saved before, so the decision is this one: saved-trust.ts): public, so mode 0644
 * (readable by Teaming's user), never through a link. The settings file is written already: a
 * failure here is a warning, not an error.
 */
async function saveCertificate(settingsFile: string, certificateFile: string, need: TrustNeed): Promise<string | undefined> {
  try {
    await writeSmallFile(certificateFile, need.pem, 0o644);
  } catch (error) {
    return `the server's certificate could not be saved as ${certificateFile} (it ${fileErrorReason(error)}); it is in the check's report (--json: probe.certificate.pem)`;
  }
  const caFile = caPath(settingsFile);
  try {
    if (need.ca !== undefined) await writeSmallFile(caFile, need.ca, 0o644);
    else await fs.rm(caFile, { force: true });
    return undefined;
  } catch (error) {
    return `the CA certificate could not be saved as ${caFile} (it ${fileErrorReason(error)}); give it with --ca-file next time`;
  }
}

const exists = (path: string): Promise<boolean> =>
  fs.lstat(path).then(
    () => true,
    () => false,
  );

export const diskFileAccess: FileAccess = {
  load: loadSettingsFile,
  missingFolder,
  createFolder: async (folder, path) => {
    let outermost = resolve(folder);
    while (dirname(outermost) !== outermost && !(await exists(dirname(outermost)))) outermost = dirname(outermost);
    await createSettingsFolder(folder, path);
    return outermost;
  },
  removeEmptyFolders: async (created, path) => {
    const top = resolve(created);
    for (let current = dirname(resolve(path)); current.startsWith(top); current = dirname(current)) {
      // rmdir removes only an empty folder: one that holds anything stays, and so do those above it.
      if (
        !(await fs.rmdir(current).then(
          () => true,
          () => false,
        ))
      )
        return;
      if (current === top) return;
    }
  },
  checkTarget: async (path, options) => {
    await checkTarget(path, options);
  },
  write: writeSettingsFile,
  saveCertificate,
  isFile: async (path) => (await fs.stat(path).catch(() => undefined))?.isFile() === true,
};
