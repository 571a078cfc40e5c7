/**
 * The wizard's disk, as a capability (as the probe is one): reading the settings file, making
 * sure it can be written, writing it, saving the server's certificate beside it, and looking
 * whether a JDK keeps its cacerts under jre/. A real run uses `diskFileAccess`; the wizard itself
 * touches no file. Every write goes through settings/safe-file.ts.
 */
import { promises as fs } from 'node:fs';
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

export interface FileAccess {
  load(path: string): Promise<LoadedSettingsFile>;
  /** The first folder of the path that does not exist, if any. */
  missingFolder(path: string): Promise<string | undefined>;
  /** Creates the folder (mode 0750, whatever the umask). */
  createFolder(folder: string, path: string): Promise<void>;
  /** Throws a WriteFileError when the file could not be written where it is (`force`: also in a folder others may write in). */
  checkTarget(path: string, options: { force: boolean }): Promise<void>;
  /** Replaces the file atomically (see settings-file.ts): the backup's path, if one was made, and the file's mode and owner. */
  write(path: string, bytes: Buffer, expected: Buffer | undefined, options: { force: boolean }): Promise<WrittenSettingsFile>;
  /** Saves a certificate (PEM) as `file`: a warning when it could not be; undefined when it was. */
  saveCertificate(file: string, pem: string): Promise<string | undefined>;
  /** Is there a regular file (or a link to one) at `path`? */
  isFile(path: string): Promise<boolean>;
}

/**
 * Save the certificate next to the settings file: public, so mode 0644 (readable by Teaming's
 * user), never through a link. The settings file is written already: a failure here is a warning, not an error.
 */
async function saveCertificate(file: string, pem: string): Promise<string | undefined> {
  try {
    await writeSmallFile(file, pem, 0o644);
    return undefined;
  } catch (error) {
    return `the server's certificate could not be saved as ${file} (it ${fileErrorReason(error)}); it is in the check's report (--json: probe.certificate.pem)`;
  }
}

export const diskFileAccess: FileAccess = {
  load: loadSettingsFile,
  missingFolder,
  createFolder: createSettingsFolder,
  checkTarget: async (path, options) => {
    await checkTarget(path, options);
  },
  write: writeSettingsFile,
  saveCertificate,
  isFile: async (path) => (await fs.stat(path).catch(() => undefined))?.isFile() === true,
};
