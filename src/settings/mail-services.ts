/**
 * Mail service presets (`--service NAME`, the wizard's "Where does the mail go?"). Names and endpoints
 * are nodemailer's well-known services (`nodemailer/lib/well-known`: case-insensitive, aliases
 * included; its services.json for the list of names), loaded only when a service is named or a host
 * recognised, so the first question never waits for them. What that list lacks is this module's own
 * table: each service's login convention, its sender rule, its other ports, and the presets it
 * does not have (the Microsoft 365 connector relay, Mailgun's EU host, SES regions it does not list).
 */
import type { MailSettings } from './settings.ts';

/** A preset: the settings it fills, and what the wizard says before asking what is left. */
export interface MailService {
  /** The name `--service` takes: nodemailer's (`SendGrid`, `SES-EU-WEST-1`) or this project's (`Outlook365-Connector`). */
  name: string;
  /** How the menu and the summary sheet name it. */
  title: string;
  /** Protocol, host (absent: asked), port, STARTTLS, authentication, and a fixed user name where the service has one. */
  settings: Partial<MailSettings>;
  /** Said before the questions left: the login convention, the sender rule, the other ports. */
  help: string[];
  /** Postmark: the server token is both the user name and the password. */
  tokenIsUsername?: true;
}

/** What nodemailer's list gives for a name. */
interface WellKnown {
  description?: string;
  host?: string;
  /** A number, but text in a few entries of the list. */
  port?: number | string;
  secure?: boolean;
}

/** This project's knowledge of a service nodemailer lists (or of one it lacks), found by its host. */
interface Convention {
  host: RegExp;
  /** A preset without a fixed host (the connector relay) is known by its name. */
  name?: string;
  title?: string;
  /** Absent: asked (the relay takes either a registered address or a login). */
  auth?: boolean;
  username?: string;
  tokenIsUsername?: true;
  help: string[];
}

const VERIFIED_SENDER = 'Sender: the address Teaming sends from must be a verified identity (a verified address or domain) of the service.';

const CONVENTIONS: readonly Convention[] = [
  {
    host: /^smtp\.office365\.com$/,
    title: 'Microsoft 365 (SMTP AUTH)',
    auth: true,
    help: [
      "Login: the mailbox's full address and its password; SMTP AUTH must be enabled for that mailbox.",
      'Microsoft is retiring basic-auth SMTP AUTH: off by default for existing tenants from the end of December 2026, not available to new ones.',
      "Teaming's JavaMail cannot use OAuth; if the tenant refuses SMTP AUTH, choose the Microsoft 365 connector relay instead.",
    ],
  },
  {
    host: /\.mail\.protection\.outlook\.com$/,
    name: 'Outlook365-Connector',
    title: 'Microsoft 365 connector relay',
    auth: false,
    help: [
      "Host: your tenant's MX endpoint, <tenant>.mail.protection.outlook.com (Microsoft 365 admin center → Domains → your domain's MX record).",
      "No login: an inbound connector (Exchange admin center → Mail flow → Connectors) must allow this server's public IP address or its certificate.",
      "Sender: an address in one of the tenant's accepted domains.",
    ],
  },
  {
    host: /^smtp\.sendgrid\.net$/,
    auth: true,
    username: 'apikey',
    help: [
      'Login: the user name is literally "apikey"; the password is a SendGrid API key with the Mail Send permission.',
      VERIFIED_SENDER,
      'Other ports: 2525 (STARTTLS), or 465 (SMTPS).',
    ],
  },
  {
    host: /^email-smtp\.[a-z0-9-]+\.amazonaws\.com$/,
    title: 'Amazon SES',
    auth: true,
    help: [
      'Login: SMTP credentials (SES console → SMTP settings → Create SMTP credentials), not the IAM access key and secret; they belong to one region.',
      VERIFIED_SENDER,
      'Other ports: 25, 587 or 2587 (STARTTLS); 2465 (SMTPS).',
    ],
  },
  {
    host: /^smtp\.gmail\.com$/,
    title: 'Google Workspace / Gmail',
    auth: true,
    help: [
      'Login: the full Gmail or Workspace address and an app password (it needs 2-Step Verification); Google refuses the normal password.',
      'Other port: 587 (STARTTLS).',
    ],
  },
  {
    host: /^smtp-relay\.gmail\.com$/,
    title: 'Google Workspace SMTP relay',
    help: [
      "The Admin console's SMTP relay service (Gmail → Routing) must register this server's IP address, or require SMTP AUTH (then answer yes to authentication).",
      "The relay wants a fully-qualified EHLO name: Teaming's mail.smtp.localhost set to this server's DNS name.",
      'Other port: 587 (STARTTLS).',
    ],
  },
  {
    host: /^smtp(\.eu)?\.mailgun\.org$/,
    auth: true,
    help: [
      "Login: the domain's SMTP credentials (Mailgun → Sending → Domain settings → SMTP credentials), such as postmaster@mg.example.com.",
      'Other ports: 587 or 2525 (STARTTLS).',
    ],
  },
  {
    host: /^smtp\.postmarkapp\.com$/,
    auth: true,
    tokenIsUsername: true,
    help: [
      "Login: the server's API token, as both the user name and the password.",
      'Sender: a confirmed Sender Signature or a verified domain.',
      'Other ports: 25 or 587 (STARTTLS).',
    ],
  },
  {
    host: /^smtp-relay\.(brevo|sendinblue)\.com$/,
    auth: true,
    help: [
      'Login: the SMTP login Brevo shows (SMTP & API → SMTP) and an SMTP key as the password.',
      VERIFIED_SENDER,
      'Other ports: 2525 (STARTTLS), or 465 (SMTPS).',
    ],
  },
];

/** Presets nodemailer's list lacks. */
const OWN_PRESETS: Readonly<Record<string, WellKnown>> = {
  'Outlook365-Connector': { description: 'Microsoft 365 connector relay', port: 25, secure: false },
  'Mailgun-EU': { description: 'Mailgun (EU)', host: 'smtp.eu.mailgun.org', port: 465, secure: true },
};

/** An SES region nodemailer's list may not name yet: SES-AP-EAST-1 → email-smtp.ap-east-1.amazonaws.com. */
const SES_REGION = /^SES-([A-Z]{2}(?:-GOV)?-[A-Z]+-\d{1,2})$/i;

function normalized(name: string): string {
  return name.replace(/[^a-zA-Z0-9.-]/g, '').toLowerCase();
}

async function wellKnown(name: string): Promise<WellKnown | false> {
  const { default: lookup } = await import('nodemailer/lib/well-known');
  return lookup(name) as WellKnown | false;
}

/** nodemailer's services, by name (its services.json, an exported path of the package). */
async function wellKnownServices(): Promise<Record<string, WellKnown & { aliases?: string | string[] }>> {
  const { default: services } = await import('nodemailer/lib/well-known/services.json', { with: { type: 'json' } });
  return services as Record<string, WellKnown & { aliases?: string | string[] }>;
}

function preset(name: string, known: WellKnown): MailService {
  const convention = CONVENTIONS.find((entry) => (known.host ? entry.host.test(known.host) : entry.name === name));
  const smtps = known.secure === true;
  const settings: Partial<MailSettings> = {
    protocol: smtps ? 'smtps' : 'smtp',
    ...(known.host && { host: known.host }),
    ...(known.port !== undefined && { port: Number(known.port) }),
    // Every one of these services requires TLS: STARTTLS where it is not SMTPS.
    starttls: !smtps,
  };
  // A service nodemailer lists and this table does not know: it takes a login, as nearly all do.
  const auth = convention ? convention.auth : true;
  if (auth !== undefined) settings.auth = auth;
  if (convention?.username) settings.username = convention.username;
  return {
    name,
    title: convention?.title ?? known.description ?? name,
    settings,
    help: convention?.help ?? [],
    ...(convention?.tokenIsUsername && { tokenIsUsername: true }),
  };
}

/** The preset a name stands for (any case, nodemailer's aliases too); undefined when no service has that name. */
export async function findService(name: string): Promise<MailService | undefined> {
  const own = Object.keys(OWN_PRESETS).find((key) => normalized(key) === normalized(name));
  if (own) return preset(own, OWN_PRESETS[own]!);
  // nodemailer's lookup also takes an e-mail address (its domain); a service name is a name.
  if (name.includes('@')) return undefined;
  const known = await wellKnown(name);
  if (known) return preset(await canonicalName(name), known);
  const region = SES_REGION.exec(name)?.[1];
  if (region)
    return preset(`SES-${region.toUpperCase()}`, {
      description: `AWS SES ${region.toLowerCase()}`,
      host: `email-smtp.${region.toLowerCase()}.amazonaws.com`,
      port: 465,
      secure: true,
    });
  return undefined;
}

/** The list's own spelling of a name or alias ("sendgrid" → "SendGrid", "Brevo" → "SendinBlue"). */
async function canonicalName(name: string): Promise<string> {
  const wanted = normalized(name);
  for (const [key, service] of Object.entries(await wellKnownServices())) {
    if (normalized(key) === wanted || [service.aliases ?? []].flat().some((alias) => normalized(alias) === wanted)) return key;
  }
  return name;
}

/** Every name `--service` takes, for the close matches of a mistyped one. */
async function serviceNames(): Promise<{ name: string; description: string }[]> {
  const listed = { ...(await wellKnownServices()), ...OWN_PRESETS };
  return Object.entries(listed).map(([name, known]) => ({ name, description: normalized(known.description ?? '') }));
}

/** Amazon SES's regions in nodemailer's list, by name (SES-EU-WEST-1), with its description. */
export async function sesRegions(): Promise<{ name: string; description: string }[]> {
  return Object.entries(await wellKnownServices())
    .filter(([name]) => name.startsWith('SES-'))
    .map(([name, known]) => ({ name, description: (known.description ?? name).replace(/^AWS SES /, '') }));
}

/** The known names nearest to an unknown one, nearest first (at most five). */
export async function closeServiceNames(name: string): Promise<string[]> {
  const { default: leven } = await import('leven');
  const wanted = normalized(name);
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  // A start of the name ("ses-eu") or a word of its description ("Office365" in "Microsoft 365 / Office 365") is close too.
  const distance = ({ name, description }: { name: string; description: string }) =>
    wanted.length >= 3 && (normalized(name).startsWith(wanted) || description.includes(wanted)) ? 0 : leven(wanted, normalized(name));
  return (await serviceNames())
    .map((candidate) => ({ name: candidate.name, distance: distance(candidate) }))
    .filter((candidate) => candidate.distance <= limit)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 5)
    .map((candidate) => candidate.name);
}

/** The service whose endpoint `host` is (reconfigure, the summary sheet); undefined for the site's own server. */
export async function serviceForHost(host: string): Promise<MailService | undefined> {
  const wanted = host.toLowerCase().replace(/\.$/, '');
  const own = Object.entries(OWN_PRESETS).find(([name, known]) => known.host === wanted || CONVENTIONS.find((entry) => entry.name === name)?.host.test(wanted));
  if (own) return preset(own[0], { ...own[1], host: wanted });
  const listed = Object.entries(await wellKnownServices()).find(([, known]) => known.host?.toLowerCase() === wanted);
  if (listed) return preset(listed[0], listed[1]);
  const region = /^email-smtp\.([a-z0-9-]+)\.amazonaws\.com$/.exec(wanted)?.[1];
  return region ? findService(`SES-${region}`) : undefined;
}

/**
 * The answers a service gives, under those given another way (flags, the answers file: they win).
 * Postmark's token, given as the password, is its user name too.
 */
export function withService(service: MailService | undefined, given: Partial<MailSettings>): Partial<MailSettings> {
  if (!service) return given;
  const answers = { ...service.settings, ...given };
  if (service.tokenIsUsername && answers.username === undefined && given.password !== undefined) answers.username = given.password;
  return answers;
}
