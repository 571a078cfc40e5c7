import type { MailSettings } from '../settings.ts';
import { fail, replyFailure } from './failures.ts';
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

function checkAddress(role: 'sender' | 'recipient', address: string): void {
  if (!/^[^\s<>]+@[^\s<>@]+$/.test(address)) {
    throw fail('message', role === 'sender' ? 'sender-refused' : 'recipient-refused', `the ${role} address "${address}" is not an e-mail address`, 'enter an address such as admin@example.com', role === 'sender' ? { question: 'username' } : {});
  }
}

/** Sends the test message over a ready (and, with AUTH, signed-in) session: MAIL, RCPT, DATA. */
export async function sendTestMessage(channel: SmtpChannel, settings: MailSettings, test: TestMessageOptions): Promise<Acceptance> {
  const from = test.from ?? (settings.username.includes('@') ? settings.username : undefined);
  if (!from) {
    throw fail('message', 'sender-refused', 'no sender address for the test message: the user name is not an e-mail address', 'give a sender address for the test message', { question: 'username' });
  }
  checkAddress('sender', from);
  checkAddress('recipient', test.to);
  const message = await buildTestMessage({ from, to: test.to, timeZone: test.timeZone, settings });
  const mail = await channel.command(`MAIL FROM:<${from}>`);
  if (mail.code !== 250) {
    throw replyFailure('message', 'sender-refused', mail, `the server refused the sender ${from}`, 'the server may only let this account send as its own address: use the full e-mail address as the user name, or a sender address the account owns', { question: 'username' });
  }
  const rcpt = await channel.command(`RCPT TO:<${test.to}>`);
  if (rcpt.code !== 250 && rcpt.code !== 251) {
    throw settings.auth
      ? replyFailure('message', 'recipient-refused', rcpt, `the server refused the recipient ${test.to}`, 'check the test recipient address; the server may not relay to it for this account')
      : replyFailure('message', 'recipient-refused', rcpt, `the server refused the recipient ${test.to}`, 'the server does not relay for this machine without authentication: turn authentication on', { suggestion: { auth: true }, question: 'auth' });
  }
  const data = await channel.command('DATA');
  if (data.code !== 354) throw replyFailure('message', 'message-refused', data, 'the server refused DATA', 'check the server log, or ask the mail administrator');
  channel.socket.write(dotStuff(message));
  channel.note(`C: <message, ${message.length} bytes>`);
  const done = await channel.readReply();
  if (done.code !== 250) throw replyFailure('message', 'message-refused', done, 'the server refused the test message', 'check the server log (size limits, content filters), or ask the mail administrator');
  const queueId = /queued as\s+<?([\w.@-]+)>?/i.exec(done.raw)?.[1] ?? /\bid[=:\s]+<?([\w.@-]+)>?/i.exec(done.raw)?.[1];
  return { reply: done.raw, queueId };
}
