/**
 * A host given as an IP address with TLS: Teaming's JavaMail cannot check the certificate's name
 * against an address (JavaMail 1.6 refuses even a certificate that lists it), so the wizard offers
 * the DNS names the certificate holds that resolve to that same address, to use instead.
 */
import type { Output } from '../output.ts';
import type { Prompter } from './prompter.ts';
import { usesTls } from '../settings/javamail-safety.ts';
import type { MailSettings } from '../settings/settings.ts';
import { ipVersion } from '../settings/ip-address.ts';

const LOOKUP_TIMEOUT_MS = 3000;

/** The certificate's DNS names (no wildcards) whose addresses include `address`. */
export async function namesForAddress(dnsNames: readonly string[], address: string): Promise<string[]> {
  const candidates = [...new Set(dnsNames)].filter((name) => !name.includes('*') && ipVersion(name) === 0);
  // node:dns loads here, after a check of an IP host, not with the wizard before its first question.
  const dns = process.getBuiltinModule('node:dns').promises;
  const resolved = await Promise.all(
    candidates.map(async (name) => {
      // A name that does not resolve in time is not offered.
      const timeout = new Promise<[]>((resolve) => setTimeout(resolve, LOOKUP_TIMEOUT_MS, []).unref());
      const addresses = await Promise.race([dns.lookup(name, { all: true }).catch(() => []), timeout]);
      return addresses.some((entry) => entry.address === address) ? [name] : [];
    }),
  );
  return resolved.flat();
}

/**
 * Asks whether to use one of those names; returns the chosen one, or undefined to keep the
 * address (or when there is nothing to offer).
 */
export async function offerCertificateName(settings: MailSettings, report: unknown, prompt: Prompter, out: Output): Promise<string | undefined> {
  if (ipVersion(settings.host) === 0 || !usesTls(settings)) return undefined;
  const dnsNames = (report as { certificate?: { dnsNames?: string[] } } | undefined)?.certificate?.dnsNames ?? [];
  const names = await namesForAddress(dnsNames, settings.host);
  if (names.length === 0) return undefined;
  out.line();
  out.help(
    `Teaming's JavaMail cannot check a certificate against an IP address: with ${settings.host} it would not check the server's name at all. ` +
      `The certificate names ${names.join(', ')}, which ${names.length === 1 ? 'resolves' : 'resolve'} to ${settings.host}.`,
  );
  const choice = await prompt.select<string>({
    message: 'Mail host to write',
    choices: [
      ...names.map((name) => ({ value: name, name: `${name} (Teaming checks the server's name)`, short: name })),
      { value: settings.host, name: `Keep ${settings.host} (Teaming will not check the server's name)`, short: settings.host },
    ],
  });
  return choice === settings.host ? undefined : choice;
}
