/**
 * The envelope test that ends every check: MAIL FROM the sender Teaming will use, RCPT TO the test
 * recipient (else that sender), then RSET — nothing is sent. Which addresses, and what a refusal
 * means (replies.ts), are decided here without the socket; nodemailer's SMTPConnection speaks the
 * commands (session.ts). Not nodemailer's: it has no notion of the sender Teaming will use.
 */
import type { MailSettings } from '../settings/settings.ts';
import { fail, type StageFailure } from './failures.ts';
import { recipientRefusal, senderRefusal } from './replies.ts';
import type { Reply } from './bounded-socket.ts';

export interface EnvelopeAddresses {
  /** '' is the null sender `<>`. */
  from: string;
  to: string;
  /** No test recipient: the sender is the recipient too. */
  toIsSender?: boolean;
  /** Why these addresses, when they are not simply the account and the test recipient. */
  note?: string;
}

const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;

export const BARE_USER_NAME_WORDS = 'a bare name is not a valid sender address';

/**
 * Teaming's JavaMail session sends as its user name (the design's "the user name is also the From
 * address of notifications"); without authentication these settings name no sender.
 */
export function teamingSender(settings: MailSettings): string | undefined {
  return settings.auth ? settings.username : undefined;
}

/**
 * The addresses of the envelope test. With authentication: the user name, which must then be an
 * address. Without: the installer has no sender setting, so the test recipient stands in as the
 * sender; without one either, the null sender and the domainless `postmaster` every server must
 * accept (RFC 5321 4.5.1) — that still meets a server that wants STARTTLS or AUTH before mail.
 */
export function envelopeAddresses(settings: MailSettings, testRecipient: string | undefined): EnvelopeAddresses | StageFailure {
  if (testRecipient !== undefined && !ADDRESS.test(testRecipient)) {
    return fail(
      'envelope',
      'recipient-refused',
      `the test recipient "${testRecipient}" is not an e-mail address`,
      'enter an address such as admin@example.com',
    );
  }
  const sender = teamingSender(settings);
  if (sender !== undefined) {
    if (!ADDRESS.test(sender)) {
      return fail(
        'envelope',
        'sender-not-address',
        `the user name "${sender}" is not an e-mail address, and Teaming sends its notifications from the user name: ${BARE_USER_NAME_WORDS}`,
        'enter the full e-mail address of the account as the user name (the server must accept it for authentication too)',
        { question: 'username' },
      );
    }
    return { from: sender, to: testRecipient ?? sender, toIsSender: testRecipient === undefined };
  }
  if (testRecipient !== undefined) {
    return { from: testRecipient, to: testRecipient, note: 'authentication off: these settings name no sender, so the test recipient stands in as the sender' };
  }
  return {
    from: '',
    to: 'postmaster',
    note: "authentication off and no test recipient: the null sender and the server's postmaster stand in; give a test recipient to test relaying to an outside address",
  };
}

/** The replies to MAIL FROM and RCPT TO (none when MAIL FROM was refused): undefined when both accepted, else the refusal. */
export function envelopeRefusal(settings: MailSettings, addresses: EnvelopeAddresses, mail: Reply, rcpt: Reply | undefined): StageFailure | undefined {
  if (mail.code !== 250) return senderRefusal(mail, settings, addresses.from);
  if (!rcpt) return undefined;
  if (rcpt.code !== 250 && rcpt.code !== 251) return recipientRefusal(rcpt, settings, addresses.to, addresses.toIsSender === true);
  return undefined;
}

/** `MAIL FROM:<a@example.com> 250 2.1.0 Ok; RCPT TO:<b@example.com> 250 2.1.5 Ok` */
export function describeEnvelope(addresses: EnvelopeAddresses, mail: Reply, rcpt: Reply): string {
  const line = `MAIL FROM:<${addresses.from}> ${mail.raw}; RCPT TO:<${addresses.to}> ${rcpt.raw}`;
  return addresses.note ? `${line} (${addresses.note})` : line;
}
