/**
 * The first question, "Where does the mail go?": the site's own mail server (the installer's
 * questions, all of them) or a mail service, whose preset (settings/mail-services.ts) answers the
 * protocol, host, port and TLS, and its login convention where it has one; then only what is left
 * is asked. The choice is no setting of the file: it lives in StepContext.service, and reconfigure
 * recognises it again by the file's host. The menu names the services without their endpoints, so
 * it shows before nodemailer's list is loaded; the endpoint is said once the service is chosen.
 */
import { findService, serviceForHost, sesRegions, type MailService } from '../../settings/mail-services.ts';
import type { MailSettings } from '../../settings/settings.ts';
import type { Choice } from '../prompter.ts';
import type { StepContext } from '../questions/index.ts';

const OWN_SERVER = 'own';
const SES = 'SES';

const MENU: readonly Choice<string>[] = [
  {
    value: OWN_SERVER,
    name: 'Our own mail server',
    description: 'Postfix, Exchange, Domino, GroupWise…: the questions of the installation summary sheet, one by one.',
  },
  {
    value: 'Outlook365',
    name: 'Microsoft 365 (SMTP AUTH)',
    description: "The mailbox's address and password. Basic-auth SMTP AUTH is off by default for existing tenants from the end of December 2026.",
  },
  {
    value: 'Outlook365-Connector',
    name: 'Microsoft 365 connector relay',
    description: "The tenant's MX endpoint, port 25 with STARTTLS, no login: an inbound connector allows this server.",
  },
  { value: 'Gmail', name: 'Google Workspace / Gmail', description: 'The full address and an app password (2-Step Verification on).' },
  { value: 'GmailWorkspace', name: 'Google Workspace SMTP relay', description: "This server's IP address registered in the Admin console, or a login." },
  { value: SES, name: 'Amazon SES', description: 'SMTP credentials (not IAM keys) of one region; a verified sender.' },
  { value: 'SendGrid', name: 'SendGrid', description: 'The user name "apikey" and an API key; a verified Sender Identity.' },
  { value: 'Mailgun', name: 'Mailgun (US)', description: "The domain's SMTP credentials." },
  { value: 'Mailgun-EU', name: 'Mailgun (EU)', description: "The domain's SMTP credentials, on Mailgun's EU region." },
  { value: 'Postmark', name: 'Postmark', description: "The server's API token, as user name and password." },
  { value: 'SendinBlue', name: 'Brevo (formerly Sendinblue)', description: 'The SMTP login and an SMTP key; a verified sender.' },
];

function describe(settings: Partial<MailSettings>): string {
  const mode = settings.protocol === 'smtps' ? 'SMTPS' : 'SMTP with STARTTLS';
  return `${settings.host ?? '(host asked next)'}, port ${settings.port}, ${mode}${settings.username ? `, user name "${settings.username}"` : ''}`;
}

/**
 * Before the questions left (interactive): what the preset fills and what the service expects;
 * for Postmark, its token, asked once as a secret, is the user name and the password.
 */
export async function introduceService(
  { prompt, out }: Pick<StepContext, 'prompt' | 'out'>,
  service: MailService,
  given: Partial<MailSettings>,
): Promise<MailService> {
  out.help(`${service.title}: ${describe(service.settings)}.`);
  for (const line of service.help) out.help(line);
  if (!service.tokenIsUsername || given.password !== undefined) return service;
  const token = await prompt.password({
    message: `${service.title} server API token`,
    validate: (value) => value.trim() !== '' || 'the token is required: Postmark → Servers → your server → API Tokens',
  });
  return { ...service, settings: { ...service.settings, username: token, password: token } };
}

/**
 * Asks where the mail goes (the wizard asks it unless --service, or a flag that gives the endpoint,
 * answered it); when reconfiguring, the service of the file's host is the default.
 */
export async function chooseService(ctx: StepContext): Promise<MailService | undefined> {
  const { prompt } = ctx;
  const current = ctx.stored.host !== undefined ? await serviceForHost(ctx.stored.host) : undefined;
  const currentChoice =
    current === undefined ? OWN_SERVER : current.name.startsWith('SES-') ? SES : MENU.some((entry) => entry.value === current.name) ? current.name : OWN_SERVER;
  const choice = await prompt.select({ message: 'Where does the mail go?', choices: MENU, default: currentChoice, pageSize: MENU.length });
  if (choice === OWN_SERVER) return undefined;
  const name =
    choice === SES
      ? await prompt.select({
          message: 'Which Amazon SES region?',
          choices: (await sesRegions()).map((region) => ({ value: region.name, name: `${region.description} (${region.name})` })),
          default: current?.name.startsWith('SES-') ? current.name : 'SES-US-EAST-1',
          pageSize: 10,
        })
      : choice;
  return findService(name);
}
