import type { MailSettings } from '../settings.ts';
import { replyFailure } from './failures.ts';
import { replyClass, temporaryFailure } from './replies.ts';
import type { SmtpChannel } from './smtp-channel.ts';
import type { TestMessageOptions } from './types.ts';

export interface TestMessageInput {
  from: string;
  to: string;
  timeZone: string;
  settings: MailSettings;
  now?: Date;
}

/** The body line a recipient (and the tests) look for; luxon, which formats it, loads only to send a message. */
export async function timeStampLine(timeZone: string, now: Date): Promise<string> {
  const { timeStampPreview } = await import('../time-zones.ts');
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

/** DATA transparency (RFC 5321 4.5.2) and the end-of-data mark. */
export function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(`${text.endsWith('\r\n') ? text : `${text}\r\n`}.\r\n`, 'latin1');
}

/** The server's acceptance of the test message. */
export interface Acceptance {
  reply: string;
  queueId?: string;
}

/**
 * Sends the test message in the transaction the envelope test opened (MAIL FROM and RCPT TO
 * accepted): DATA, then the message from `from` to `to`.
 */
export async function sendTestMessage(channel: SmtpChannel, settings: MailSettings, addresses: { from: string; to: string }, test: TestMessageOptions): Promise<Acceptance> {
  const message = await buildTestMessage({ from: addresses.from, to: addresses.to, timeZone: test.timeZone, settings });
  const data = await channel.command('DATA');
  if (replyClass(data) === 'temporary') throw temporaryFailure('message', data);
  if (data.code !== 354) throw replyFailure('message', 'message-refused', data, 'the server refused DATA', 'check the server log, or ask the mail administrator');
  channel.socket.write(dotStuff(message));
  channel.note(`C: <message, ${message.length} bytes>`);
  const done = await channel.readReply();
  if (replyClass(done) === 'temporary') throw temporaryFailure('message', done);
  if (done.code !== 250) throw replyFailure('message', 'message-refused', done, 'the server refused the test message', 'check the server log (size limits, content filters), or ask the mail administrator');
  const queueId = /queued as\s+<?([\w.@-]+)>?/i.exec(done.raw)?.[1] ?? /\bid[=:\s]+<?([\w.@-]+)>?/i.exec(done.raw)?.[1];
  return { reply: done.raw, queueId };
}
