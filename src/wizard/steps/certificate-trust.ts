/**
 * Trust from inside the wizard, when the check did not trust the server's certificate: trust this
 * one certificate (by its SHA-256 fingerprint, shown with its subject, issuer and expiry), or a CA
 * certificate file that actually signed it. The decision holds for this run; the write step keeps
 * it beside the settings file (saved-trust.ts) for every later run on that file.
 */
import { X509Certificate } from 'node:crypto';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { fileErrorReason, readBoundedFile } from '../../settings/safe-file.ts';
import type { FailureKind } from '../../probe/index.ts';
import type { Choice, Prompter } from '../prompter.ts';
import { pemCertificates, type CertificateTrust } from '../saved-trust.ts';

/** The certificate a failed check saw, as its report gives it. */
export interface SeenCertificate {
  subject: string;
  issuer: string;
  validTo: string;
  sha256: string;
  pem?: string;
}

export type TrustChoice = 'trust-certificate' | 'trust-ca';

/** Failures a trust decision cures: an untrusted certificate, or one other than the fingerprint accepted. */
const CURABLE: ReadonlySet<FailureKind> = new Set(['certificate-untrusted', 'certificate-fingerprint-mismatch']);

/** The menu's trust choices for this failure (none when trust is not what failed). */
export function trustChoices(kind: FailureKind | undefined, certificate: SeenCertificate | undefined): Choice<TrustChoice>[] {
  if (kind === undefined || !CURABLE.has(kind) || !certificate) return [];
  const choices: Choice<TrustChoice>[] = [
    {
      value: 'trust-certificate',
      name: 'Trust this certificate',
      // Shown under the choice while it is highlighted: what is being trusted.
      description: `SHA-256 ${certificate.sha256}\n${certificate.subject}, issued by ${certificate.issuer}, expires ${certificate.validTo}`,
    },
  ];
  if (kind === 'certificate-untrusted' && certificate.pem) {
    choices.push({
      value: 'trust-ca',
      name: 'Use a CA certificate file…',
      short: 'Use a CA certificate file',
      description: 'the PEM file of the CA that signed the certificate (your company CA)',
    });
  }
  return choices;
}

/**
 * Whether the PEM file at `path` verifies `server`: it holds the server's certificate itself or
 * the CA certificate that signed it. true, or the problem in words with the path.
 */
export async function checkCaFile(path: string, server: X509Certificate): Promise<true | string> {
  let text: string;
  try {
    // Bounded, and never waiting on a FIFO: the one reader of every file (safe-file.ts).
    const bytes = await readBoundedFile(path);
    if (bytes === undefined) return `there is no file ${path}`;
    text = bytes.toString('utf8');
  } catch (error) {
    return `${path} cannot be read: it ${fileErrorReason(error)}`;
  }
  const certificates = pemCertificates(text);
  if (certificates.length === 0) return `${path} holds no PEM certificate (a "-----BEGIN CERTIFICATE-----" block)`;
  const verifies = certificates.some((ca) => ca.fingerprint256 === server.fingerprint256 || (server.checkIssued(ca) && server.verify(ca.publicKey)));
  if (verifies) return true;
  const held = certificates.map((ca) => ca.subject.replaceAll('\n', ', ')).join('; ');
  return `${path} does not verify the server's certificate (issued by ${server.issuer.replaceAll('\n', ', ')}): it holds ${held}; choose the CA certificate that signed it`;
}

/** Ask for the decision's details; the trust for the next check. */
export async function decideTrust(choice: TrustChoice, certificate: SeenCertificate, prompt: Prompter): Promise<CertificateTrust> {
  if (choice === 'trust-certificate') return { acceptCertificateSha256: certificate.sha256, origin: 'wizard' };
  const server = new X509Certificate(certificate.pem!);
  const path = await prompt.input({
    message: 'Path of the CA certificate file (PEM)',
    validate: (value) =>
      value.trim() === '' ? 'enter the path of a PEM file, e.g. /etc/ssl/certs/company-ca.pem' : checkCaFile(resolve(value.trim()), server),
  });
  const file = resolve(path.trim());
  const ca = await readBoundedFile(file);
  if (ca === undefined) throw new UsageError(`${file} was removed after it was checked: run again and name the CA certificate file`);
  return { ca: ca.toString('utf8'), origin: 'wizard', file };
}
