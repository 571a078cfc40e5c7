/**
 * The JavaMail keys that make Teaming's mail client as strict as the wizard's check, derived from
 * the answers (they are no questions of their own):
 * - `mail.smtp.starttls.required`: with STARTTLS, JavaMail otherwise goes on in plain text (and
 *   sends the password in clear) when the server, or anyone in the path, does not offer STARTTLS;
 * - `mail.<protocol>.ssl.checkserveridentity`: JavaMail 1.x checks that the certificate names the
 *   host only when asked. With the host given as an IP address JavaMail 1.6 refuses even a
 *   certificate that lists the address, so an address host gets `false` (and a warning).
 */
import { ipVersion } from './ip-address.ts';
import type { MailSettings } from './settings.ts';

export interface JavaMailSafety {
  starttlsRequired: boolean;
  checkServerIdentity: boolean;
}

export function javaMailSafety(settings: Pick<MailSettings, 'protocol' | 'starttls' | 'host'>): JavaMailSafety {
  return { starttlsRequired: settings.protocol === 'smtp' && settings.starttls, checkServerIdentity: ipVersion(settings.host) === 0 };
}

/** Does Teaming's JavaMail speak TLS with these settings (SMTPS, or SMTP with STARTTLS)? */
export function usesTls(settings: Pick<MailSettings, 'protocol' | 'starttls'>): boolean {
  return settings.protocol === 'smtps' || settings.starttls;
}

/** With TLS to an IP address, Teaming cannot check the server's name: the warning, else undefined. */
export function identityWarning(settings: Pick<MailSettings, 'protocol' | 'starttls' | 'host'>): string | undefined {
  if (!usesTls(settings) || javaMailSafety(settings).checkServerIdentity) return undefined;
  return (
    `Teaming will not check the mail server's name: the host is the IP address ${settings.host}, and Teaming's JavaMail ` +
    `cannot check a certificate against an address, so mail.${settings.protocol}.ssl.checkserveridentity=false is written. ` +
    'Use a host name the certificate names to have it checked.'
  );
}

export const JAVAMAIL_SAFETY_LABELS: Record<keyof JavaMailSafety, (settings: Pick<MailSettings, 'protocol'>) => string> = {
  starttlsRequired: () => 'STARTTLS required (mail.smtp.starttls.required)',
  checkServerIdentity: (settings) => `Server name check (mail.${settings.protocol}.ssl.checkserveridentity)`,
};

/**
 * What Teaming does with a file that lacks a key the wizard writes today (a file from before it
 * managed them), each with the fix: `--reconfigure` adds it. For `check` and `show`.
 */
export function fileGaps(settings: Partial<MailSettings>, javaMail: Partial<JavaMailSafety> | undefined, reconfigure: string): string[] {
  const p = settings.protocol ?? 'smtp';
  const gaps: string[] = [];
  if (p === 'smtp' && settings.starttls === true && javaMail?.starttlsRequired === undefined) {
    gaps.push(
      `mail.smtp.starttls.required is not set: Teaming's JavaMail goes on in plain text — the password included — when the server, or anyone in the path, does not offer STARTTLS; ${reconfigure} adds it`,
    );
  }
  const tls = p === 'smtps' || settings.starttls === true;
  if (tls && javaMail?.checkServerIdentity === undefined) {
    gaps.push(
      `mail.${p}.ssl.checkserveridentity is not set: Teaming's JavaMail does not check that the certificate names the mail server; ${reconfigure} adds it`,
    );
  }
  if (settings.readTimeoutMs === undefined) {
    gaps.push(
      `mail.${p}.timeout is not set: Teaming's JavaMail waits forever for a server that stops answering, and its mail thread hangs; ${reconfigure} adds it`,
    );
  }
  return gaps;
}
