import { timeStampPreview } from '../time-zones.ts';
import type { MailSettings } from '../settings.ts';

export interface TestMessageInput {
  from: string;
  to: string;
  timeZone: string;
  settings: MailSettings;
  now?: Date;
}

/** The body line a recipient (and the tests) look for. */
export function timeStampLine(timeZone: string, now: Date): string {
  return `Notification time stamp: ${timeStampPreview(timeZone, now)} (${timeZone})`;
}

/** An RFC 5322 message, CRLF line ends, built by nodemailer's composer (loaded only when a message is sent). */
export async function buildTestMessage(input: TestMessageInput): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const now = input.now ?? new Date();
  const { settings } = input;
  const transport = settings.protocol === 'smtps' ? 'SMTPS' : settings.starttls ? 'SMTP with STARTTLS' : 'SMTP';
  const text = [
    'This is a test message from teaming-mail-setup: the outbound mail settings of Kablink Teaming work.',
    '',
    `Mail server: ${settings.host}:${settings.port} (${transport})`,
    timeStampLine(input.timeZone, now),
    '',
  ].join('\r\n');
  const composer = new MailComposer({ from: input.from, to: input.to, subject: 'Teaming outbound mail test', text, date: now });
  const built = await composer.compile().build();
  return Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** DATA transparency (RFC 5321 4.5.2) and the end-of-data mark. */
export function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(`${text.endsWith('\r\n') ? text : `${text}\r\n`}.\r\n`, 'latin1');
}
