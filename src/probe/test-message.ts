/**
 * The test message: its text, composed by nodemailer's MailComposer; nodemailer's SMTPConnection
 * sends it (session.ts), dot-stuffing and all. Hand-written here only what Teaming's message says.
 */
import type { MailSettings } from '../settings/settings.ts';

export interface TestMessageInput {
  from: string;
  to: string;
  timeZone: string;
  settings: MailSettings;
  now?: Date;
}

/** The body line a recipient (and the tests) look for; luxon, which formats it, loads only to send a message. */
export async function timeStampLine(timeZone: string, now: Date): Promise<string> {
  const { timeStampPreview } = await import('../settings/time-zones.ts');
  return `Notification time stamp: ${timeStampPreview(timeZone, now)} (${timeZone})`;
}

/** An RFC 5322 message, CRLF line ends, built by nodemailer's composer (loaded only when a message is sent). */
export async function buildTestMessage(input: TestMessageInput): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const now = input.now ?? new Date();
  const { settings } = input;
  const transport = settings.protocol === 'smtps' ? 'SMTPS' : settings.starttls ? 'SMTP with STARTTLS' : 'SMTP';
  const text = [
    'A test message from teaming-mail-setup:',
    'the outbound e-mail settings of Kablink Teaming work.',
    '',
    `Mail server: ${settings.host}:${settings.port} (${transport})`,
    await timeStampLine(input.timeZone, now),
    '',
  ].join('\r\n');
  const composer = new MailComposer({ from: input.from, to: input.to, subject: 'Teaming outbound mail test', text, date: now });
  const built = await composer.compile().build();
  return Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** The server's acceptance of the test message. */
export interface Acceptance {
  reply: string;
  queueId?: string;
}

/** The queue id in a reply such as `250 2.0.0 Ok: queued as 4F2A9`, when it names one. */
export function acceptance(reply: string): Acceptance {
  const queueId = /queued as\s+<?([\w.@-]+)>?/i.exec(reply)?.[1] ?? /\bid[=:\s]+<?([\w.@-]+)>?/i.exec(reply)?.[1];
  return { reply, queueId };
}
