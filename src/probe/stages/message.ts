/**
 * The test message stage: its text, composed by nodemailer's MailComposer (what nodemailer does
 * well: headers, encodings, line lengths), sent after the envelope on the probe's channel (see
 * smtp-channel.ts for why not through SMTPConnection's send(), which sends neither BDAT nor
 * pipelines). BDAT (RFC 3030) where the server offers CHUNKING: the command and the whole message
 * in one flight, one reply; else DATA, its 354, then the message. Where the server offers
 * PIPELINING the opening (BDAT and the message, or DATA) goes in the envelope's flight
 * (stages/envelope.ts). Hand-written here only what Teaming's message says, and DATA's
 * dot-stuffing (RFC 5321 4.5.2).
 */
import type { MailSettings } from '../../settings/settings.ts';
import { offers } from '../capabilities.ts';
import { messageRefusal } from '../replies.ts';
import type { Command } from '../smtp-channel.ts';
import type { ProbeSession, StageResult } from './session.ts';

/** What opens the message: BDAT with the whole message where CHUNKING is offered, else DATA. */
export function messageOpening(session: ProbeSession, message: Buffer): Command[] {
  if (!offers(session.capabilities, 'CHUNKING')) return ['DATA'];
  return [`BDAT ${message.length} LAST`, { data: message, shown: `(the message, ${message.length} bytes)` }];
}

/**
 * The message and the server's acceptance of it. `opening` (messageOpening) is sent here unless
 * it went with the envelope; then only its replies are read.
 */
export async function messageStage(session: ProbeSession, message: Buffer, to: string, opening: Command[] | undefined): Promise<StageResult<Acceptance>> {
  const channel = session.smtp;
  const bdat = offers(session.capabilities, 'CHUNKING');
  if (opening) channel.send(...opening);
  if (!bdat) {
    const data = await session.reply();
    if (data.code !== 354) throw messageRefusal(data, false);
    channel.send({ data: dotStuffed(message), shown: `(the message, ${message.length} bytes)` }, '.');
  }
  const done = await session.reply();
  if (done.code !== 250) throw messageRefusal(done, true);
  const accepted = acceptance(done.raw);
  session.accepted = accepted;
  return { value: accepted, detail: `accepted for ${to}: ${accepted.reply}` };
}

/** The message as DATA carries it: a leading dot doubled on every line, ending in CRLF. */
function dotStuffed(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(text.endsWith('\r\n') ? text : `${text}\r\n`, 'latin1');
}

export interface TestMessageInput {
  from: string;
  to: string;
  timeZone: string;
  settings: MailSettings;
  now?: Date;
}

/** The body line a recipient (and the tests) look for; luxon, which formats it, loads only to send a message. */
export async function timeStampLine(timeZone: string, now: Date): Promise<string> {
  const { timeStampPreview } = await import('../../settings/time-zones.ts');
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
