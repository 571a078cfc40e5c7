/**
 * What Teaming's Java needs besides the file, told in the summary, the final message and --json:
 * - whether its JavaMail checks the server's name (not with an IP address host, see javamail-safety.ts);
 * - when the check trusted the certificate only because of --ca-file, --accept-certificate or a
 *   decision in the wizard (a self-signed certificate or one from a private CA), Teaming's JVM must
 *   trust it too, or JavaMail fails with "PKIX path building failed": the server's certificate is
 *   saved as PEM next to the settings file (file-access.ts), and the exact `keytool -importcert` command is given,
 *   into the cacerts of the JDK that installer.xml names (Environment/JDK/@JAVA_HOME) when it does.
 */
import { join } from 'node:path';
import { identityWarning, javaMailSafety } from '../settings/javamail-safety.ts';
import { SENDER_KEY } from '../settings/managed-settings.ts';
import type { MailSettings } from '../settings/settings.ts';
import type { FileAccess } from './file-access.ts';
import { caPath, certificatePath, type CertificateTrust } from './saved-trust.ts';

/** A certificate the check trusted for a reason Teaming's JVM does not share. */
export interface TrustNeed {
  /** Why the check trusted it, e.g. "the check trusted it through --ca-file". */
  reason: string;
  pem: string;
  subject: string;
  /** The CA the check trusted it through, saved beside the settings file too (saved-trust.ts). */
  ca?: string;
}

/** The certificate part of a probe report, as the probe gives it. */
interface ReportedCertificate {
  verification: string;
  subject: string;
  pem?: string;
}

/**
 * From a probe's report: the trust Teaming must be given, if any. A certificate trusted by the
 * public roots alone needs nothing; trusted through a CA, accepted by fingerprint (a flag, a
 * decision in the wizard or one saved beside the file) it does. One the check did not trust
 * ("Save anyway") is no trust: see distrustWarning.
 */
export function trustNeedOf(report: unknown, trust: CertificateTrust | undefined): TrustNeed | undefined {
  const certificate = (report as { certificate?: ReportedCertificate } | undefined)?.certificate;
  if (!certificate?.pem || trust === undefined) return undefined;
  const { verification } = certificate;
  let reason: string | undefined;
  if (verification === 'accepted by fingerprint') reason = FINGERPRINT_REASON[trust.origin](trust.file);
  else if (verification === 'trusted' && trust.ca !== undefined) reason = CA_REASON[trust.origin](trust.file);
  if (reason === undefined) return undefined;
  // The demo's own certificate is no decision to keep.
  const keepCa = verification === 'trusted' && trust.ca !== undefined && trust.origin !== 'demo';
  return { reason, pem: certificate.pem, subject: certificate.subject, ...(keepCa ? { ca: trust.ca } : {}) };
}

const FINGERPRINT_REASON: Record<CertificateTrust['origin'], (file?: string) => string> = {
  flag: () => 'the check accepted it by its fingerprint (--accept-certificate)',
  wizard: () => 'you trusted it by its fingerprint in the wizard',
  saved: (file) => `the check accepted it as saved in ${file}`,
  demo: () => 'the check accepted it by its fingerprint',
};

const CA_REASON: Record<CertificateTrust['origin'], (file?: string) => string> = {
  flag: () => 'the check trusted it through a private CA (--ca-file)',
  wizard: (file) => `the check trusted it through the CA in ${file}`,
  saved: (file) => `the check trusted it through the CA saved in ${file}`,
  demo: () => 'the demo server made it (self-signed) and told the check to trust it',
};

/** After "Save anyway" on a certificate the check did not trust: what Teaming's JavaMail will do. */
export function distrustWarning(report: unknown): string | undefined {
  const certificate = (report as { certificate?: ReportedCertificate & { trusted?: boolean } } | undefined)?.certificate;
  if (certificate?.trusted !== false) return undefined;
  return (
    `The check did not trust the mail server's certificate (${certificate.verification}; ${certificate.subject}): ` +
    `Teaming's JavaMail will refuse it as well ("PKIX path building failed") until its JVM trusts it; ` +
    'run the wizard again and choose "Trust this certificate" or "Use a CA certificate file…"'
  );
}

export interface TrustStep {
  /** Why Teaming's Java must be told to trust the certificate. */
  reason: string;
  /** The server's certificate, PEM, saved next to the settings file (mode 0644). */
  certificateFile: string;
  /** The CA the check trusted it through, saved next to the settings file as well (saved-trust.ts). */
  caFile?: string;
  /** Whether certificateFile was written (not on a dry run). */
  certificateSaved: boolean;
  /** The trust store to import it into: a cacerts path, or the running JVM's (keytool -cacerts). */
  trustStore: string;
  keytoolCommand: string;
}

/** The facts of --json: `teamingJava`. */
export interface TeamingJava {
  /** Does Teaming's JavaMail check the server's name (mail.<protocol>.ssl.checkserveridentity)? */
  checksServerName: boolean;
  warnings: string[];
  trust?: TrustStep;
}

function shellWord(word: string): string {
  return /^[\w./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The JDK an installer.xml names, and its trust store. */
export interface TeamingJdk {
  home: string;
  cacerts: string;
}

/** Java 8 and older keep cacerts under jre/; Java 9 and later under lib/. */
export async function cacertsOf(javaHome: string, files: Pick<FileAccess, 'isFile'>): Promise<string> {
  const old = join(javaHome, 'jre', 'lib', 'security', 'cacerts');
  return (await files.isFile(old)) ? old : join(javaHome, 'lib', 'security', 'cacerts');
}

export function keytoolCommand(certificateFile: string, alias: string, jdk: TeamingJdk | undefined): { trustStore: string; command: string } {
  const keytool = jdk ? join(jdk.home, 'bin', 'keytool') : 'keytool';
  const store = jdk ? ['-keystore', jdk.cacerts] : ['-cacerts'];
  const words = [keytool, '-importcert', '-noprompt', '-alias', alias, '-file', certificateFile, ...store, '-storepass', 'changeit'];
  return { trustStore: jdk ? jdk.cacerts : "the running JVM's cacerts (keytool -cacerts)", command: words.map(shellWord).join(' ') };
}

/**
 * installer.xml has no place for Teaming's sender override, which Teaming reads from its
 * properties: the exact line for ssf-ext.properties, when a sender address is set.
 */
function senderLine(settings: MailSettings, settingsFile: string): string | undefined {
  if (settings.sender === '' || !settingsFile.toLowerCase().endsWith('.xml')) return undefined;
  return `installer.xml has no place for the sender address: add this line to Teaming's ssf-ext.properties (in its WEB-INF/classes/config folder), then restart Teaming: ${SENDER_KEY}=${settings.sender}`;
}

export function teamingJava(
  settings: MailSettings,
  need: TrustNeed | undefined,
  settingsFile: string,
  jdk: TeamingJdk | undefined,
  report?: unknown,
): TeamingJava {
  const warnings = [identityWarning(settings), distrustWarning(report), senderLine(settings, settingsFile)].filter((warning) => warning !== undefined);
  const result: TeamingJava = { checksServerName: javaMailSafety(settings).checkServerIdentity, warnings };
  if (!need) return result;
  const certificateFile = certificatePath(settingsFile);
  const alias = `teaming-mail-${settings.host}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  const { trustStore, command } = keytoolCommand(certificateFile, alias, jdk);
  result.trust = {
    reason: need.reason,
    certificateFile,
    ...(need.ca !== undefined ? { caFile: caPath(settingsFile) } : {}),
    certificateSaved: false,
    trustStore,
    keytoolCommand: command,
  };
  return result;
}

/** Lines for the summary: what Teaming's Java will and will not do. */
export function teamingJavaLines(notes: TeamingJava, need: TrustNeed | undefined): string[] {
  const lines = [...notes.warnings];
  if (notes.trust && need) {
    lines.push(
      `Teaming's Java must trust the mail server's certificate (${need.subject}) as well: ${notes.trust.reason}, ` +
        `but Teaming's JavaMail uses only its JVM's trust store and would fail with "PKIX path building failed". ` +
        `The wizard saves the certificate as ${notes.trust.certificateFile}.`,
    );
  }
  return lines;
}

/** The final message: the command that makes Teaming's JVM trust the certificate. */
export function trustCommandLines(trust: TrustStep): string[] {
  return [
    `Teaming's Java must trust the mail server's certificate as well: ${trust.reason}. ` +
      `${trust.certificateSaved ? 'Saved it as' : 'It would be saved as'} ${trust.certificateFile}; import it into ${trust.trustStore}, then restart Teaming:`,
    `  ${trust.keytoolCommand}`,
  ];
}

/** After the certificate (and its CA) were saved: that the check keeps trusting them, and how to forget it. */
export function savedTrustNote(trust: TrustStep): string {
  const files = trust.caFile ? `${trust.caFile} and ${trust.certificateFile}` : trust.certificateFile;
  return `Every later check of this file (check, --reconfigure) trusts the certificate as saved; --ca-file or --accept-certificate overrides it, deleting ${files} forgets it.`;
}

/** The JDK that an installer.xml names; undefined for installer.properties or a new file. */
export async function teamingJdkFor(path: string, bytes: Buffer | undefined, files: Pick<FileAccess, 'isFile'>): Promise<TeamingJdk | undefined> {
  if (bytes === undefined || !path.toLowerCase().endsWith('.xml')) return undefined;
  const { javaHomeOf } = await import('../settings/installer-xml.ts');
  const home = javaHomeOf(bytes, path);
  return home === undefined ? undefined : { home, cacerts: await cacertsOf(home, files) };
}

/** The trust step once the certificate was saved, or not. */
export function withCertificateSaved(notes: TeamingJava, saved: boolean): TeamingJava {
  return notes.trust ? { ...notes, trust: { ...notes.trust, certificateSaved: saved } } : notes;
}
