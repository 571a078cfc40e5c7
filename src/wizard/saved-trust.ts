/**
 * The certificate trust decided for one settings file, kept beside it so that every later `check`,
 * `--reconfigure` and `show` of that file uses it without a flag:
 * - `<name>-mail-ca.pem`: the CA that signed the server's certificate (--ca-file, or "Use a CA
 *   certificate file…" in the wizard); the check trusts what it signs;
 * - else `<name>-mail-server.pem`: the server's certificate itself (--accept-certificate, or
 *   "Trust this certificate" in the wizard); the check accepts exactly that certificate, by its
 *   SHA-256 fingerprint, as Teaming's JVM does once it is imported.
 * A flag on the command line overrides both; deleting the files forgets the decision.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';

/** How the check trusts a certificate the public CAs do not vouch for. */
export interface CertificateTrust {
  /** PEM of a CA to trust. */
  ca?: string;
  /** The one certificate to accept, by SHA-256 fingerprint. */
  acceptCertificateSha256?: string;
  /** Where the decision came from, in the words of the summary and `show`. */
  origin: 'flag' | 'wizard' | 'saved' | 'demo';
  /** The file the CA or the certificate was read from (a CA file chosen in the wizard, or a saved one). */
  file?: string;
}

function besideSettings(settingsFile: string, suffix: string): string {
  return resolve(dirname(settingsFile), `${basename(settingsFile, extname(settingsFile))}-${suffix}`);
}

/** `installer.properties` → `installer-mail-server.pem`, in the same folder; absolute, for a command run anywhere. */
export const certificatePath = (settingsFile: string): string => besideSettings(settingsFile, 'mail-server.pem');

/** `installer.properties` → `installer-mail-ca.pem`. */
export const caPath = (settingsFile: string): string => besideSettings(settingsFile, 'mail-ca.pem');

/** The PEM certificates of `text`, parsed; an empty list when it holds none. */
export function pemCertificates(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certificates: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      // A damaged block is no certificate; the caller says the file holds none.
    }
  }
  return certificates;
}

async function readIfThere(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The trust saved beside `settingsFile`, if any: its CA, else its server certificate's fingerprint. */
export async function savedTrust(settingsFile: string): Promise<CertificateTrust | undefined> {
  const caFile = caPath(settingsFile);
  const ca = await readIfThere(caFile).catch(() => undefined);
  if (ca !== undefined && pemCertificates(ca).length > 0) return { ca, origin: 'saved', file: caFile };
  const certificateFile = certificatePath(settingsFile);
  const certificate = await readIfThere(certificateFile).catch(() => undefined);
  const [first] = certificate === undefined ? [] : pemCertificates(certificate);
  return first ? { acceptCertificateSha256: first.fingerprint256, origin: 'saved', file: certificateFile } : undefined;
}

/** The words of `show` and the summary for a saved decision. */
export function savedTrustWords(trust: CertificateTrust): string {
  return trust.ca !== undefined ? `the CA in ${trust.file}` : `the certificate in ${trust.file} (SHA-256 ${trust.acceptCertificateSha256})`;
}
