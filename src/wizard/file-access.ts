/**
 * The wizard's disk, as a capability (as the probe is one): reading the settings file, making
 * sure it can be written, writing it, and saving the server's certificate beside it. A real run
 * uses `diskFileAccess`; the wizard itself writes nothing (teaming-java.ts only looks whether a
 * JDK keeps its cacerts under jre/).
 */
import { chmod, mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileProblem, WriteFileError } from '../errors.ts';
import { checkTarget, loadSettingsFile, missingFolder, writeSettingsFile, type LoadedSettingsFile } from '../settings/settings-file.ts';
import { caPath } from './saved-trust.ts';
import type { TrustNeed, TrustStep } from './teaming-java.ts';

export interface FileAccess {
  load(path: string): Promise<LoadedSettingsFile>;
  /** The first folder of the path that does not exist, if any. */
  missingFolder(path: string): Promise<string | undefined>;
  /** The outermost folder it created. */
  createFolder(folder: string, path: string): Promise<string | undefined>;
  /** After a cancel: the folders createFolder made for `path`, from the innermost up to `created`, each removed if still empty. */
  removeEmptyFolders(created: string, path: string): Promise<void>;
  /** Throws a WriteFileError when the file could not be written where it is. */
  checkTarget(path: string): Promise<void>;
  /** Replaces the file atomically (see settings-file.ts); the backup's path, if one was made. */
  write(path: string, bytes: Buffer, expected: Buffer | undefined): Promise<string | undefined>;
  /** A warning when the certificate could not be saved; undefined when it was. */
  saveCertificate(settingsFile: string, trust: TrustStep, need: TrustNeed): Promise<string | undefined>;
}

async function savePublic(path: string, pem: string): Promise<void> {
  await writeFile(path, pem, { mode: 0o644 });
  await chmod(path, 0o644);
}

/**
 * Save the certificate next to the settings file, and the CA the check trusted it through (or
 * remove a CA saved before, so the decision is this one: saved-trust.ts): public, so mode 0644
 * (readable by Teaming's user). The settings file is written already: a failure here is a
 * warning, not an error.
 */
async function saveCertificate(settingsFile: string, trust: TrustStep, need: TrustNeed): Promise<string | undefined> {
  try {
    await savePublic(trust.certificateFile, need.pem);
    trust.certificateSaved = true;
  } catch (error) {
    return `the server's certificate could not be saved (${fileProblem(error, trust.certificateFile, true)}); it is in the check's report (--json: probe.certificate.pem)`;
  }
  const caFile = caPath(settingsFile);
  try {
    if (need.ca !== undefined) await savePublic(caFile, need.ca);
    else await rm(caFile, { force: true });
    return undefined;
  } catch (error) {
    return `the CA certificate could not be saved (${fileProblem(error, caFile, true)}); give it with --ca-file next time`;
  }
}

export const diskFileAccess: FileAccess = {
  load: loadSettingsFile,
  missingFolder,
  createFolder: async (folder, path) =>
    mkdir(folder, { recursive: true }).catch((error: Error) => {
      throw new WriteFileError(
        `${path} cannot be written: the folder ${folder} could not be created (${fileProblem(error, folder, true)}); create it or choose another path with --file`,
      );
    }),
  removeEmptyFolders: async (created, path) => {
    const top = resolve(created);
    for (let current = dirname(resolve(path)); current.startsWith(top); current = dirname(current)) {
      // rmdir removes only an empty folder: one that holds anything stays, and so do those above it.
      if (
        !(await rmdir(current).then(
          () => true,
          () => false,
        ))
      )
        return;
      if (current === top) return;
    }
  },
  checkTarget: async (path) => {
    await checkTarget(path);
  },
  write: writeSettingsFile,
  saveCertificate,
};
