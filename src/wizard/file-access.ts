/**
 * The wizard's disk, as a capability (as the probe is one): reading the settings file, making
 * sure it can be written, writing it, and saving the server's certificate beside it. A real run
 * uses `diskFileAccess`; the wizard itself never imports node:fs.
 */
import { mkdir } from 'node:fs/promises';
import { WriteFileError } from '../errors.ts';
import { checkTarget, loadSettingsFile, missingFolder, writeSettingsFile, type LoadedSettingsFile } from '../settings/settings-file.ts';
import { saveCertificate, type TrustNeed, type TrustStep } from './teaming-java.ts';

export interface FileAccess {
  load(path: string): Promise<LoadedSettingsFile>;
  /** The first folder of the path that does not exist, if any. */
  missingFolder(path: string): Promise<string | undefined>;
  createFolder(folder: string, path: string): Promise<void>;
  /** Throws a WriteFileError when the file could not be written where it is. */
  checkTarget(path: string): Promise<void>;
  /** Replaces the file atomically (see settings-file.ts); the backup's path, if one was made. */
  write(path: string, bytes: Buffer, expected: Buffer | undefined): Promise<string | undefined>;
  /** A warning when the certificate could not be saved; undefined when it was. */
  saveCertificate(trust: TrustStep, need: TrustNeed): Promise<string | undefined>;
}

export const diskFileAccess: FileAccess = {
  load: loadSettingsFile,
  missingFolder,
  createFolder: async (folder, path) => {
    await mkdir(folder, { recursive: true }).catch((error: Error) => {
      throw new WriteFileError(`${path} cannot be written: the folder ${folder} could not be created (${error.message}); create it or choose another path with --file`);
    });
  },
  checkTarget: async (path) => {
    await checkTarget(path);
  },
  write: writeSettingsFile,
  saveCertificate,
};
