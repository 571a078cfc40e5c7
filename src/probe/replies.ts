/**
 * A server's reply: its parts, and what it means — by its class first (RFC 5321 4.2.1: 2xx/3xx positive, 4xx
 * temporary, 5xx permanent), then, for a permanent refusal of the envelope, by its enhanced code
 * (RFC 3463: 5.1.x the address, 5.7.x policy — relay, authentication, TLS) and its words.
 * No socket here: these take a reply and say what it means and what to change. Not nodemailer's:
 * SMTPConnection says only that a command failed (EENVELOPE, EAUTH…) and whether the code is permanent.
 */
import type { MailSettings } from '../settings/settings.ts';
import { terminalSafe } from '../output.ts';
import { fail, type StageFailure } from './failures.ts';
import { providerRefusal } from './provider-replies.ts';
import type { FailureKind, ProbeFailure, StageName } from './types.ts';

export interface Reply {
  code: number;
  /** Enhanced status code of the first line (`5.7.8`), when given. */
  enhanced?: string;
  /** Text of each line, without the code. */
  lines: string[];
  /** The reply as the server sent it, lines joined by a space: `535 5.7.8 Authentication failed`. */
  raw: string;
}

/** A reply's lines (joined by a line break, codes and all), read into its parts. */
export function parseReply(text: string): Reply {
  const lines: string[] = [];
  let code = 0;
  for (const line of text.split(/\r?\n/)) {
    const match = /^(\d{3})(?:[ -](.*))?$/.exec(line);
    if (!match) continue;
    code ||= Number(match[1]);
    lines.push(terminalSafe(match[2] ?? ''));
  }
  const enhanced = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(lines[0] ?? '')?.[1];
  return { code, enhanced, lines, raw: `${code} ${lines.join(' ')}`.trim() };
}

/** A 4xx/5xx reply where the stage needed a positive one. */
export function replyFailure(
  stage: StageName,
  kind: FailureKind,
  reply: Reply,
  message: string,
  advice: string,
  extra: Partial<ProbeFailure> = {},
): StageFailure {
  return fail(stage, kind, `${message}: ${reply.raw}`, advice, { serverReply: reply.raw, ...extra });
}

export function codeOf(reply: Reply): string {
  return reply.enhanced ? `${reply.code} ${reply.enhanced}` : String(reply.code);
}

export type ReplyClass = 'positive' | 'temporary' | 'permanent';

export function replyClass(reply: Pick<Reply, 'code'>): ReplyClass {
  if (reply.code >= 500) return 'permanent';
  if (reply.code >= 400) return 'temporary';
  return 'positive';
}

export const TEMPORARY_WORDS = 'temporary — the server asks to try again later';

/** What the settings have proven when a stage gets a 4xx. */
const PROVEN: Record<StageName, string> = {
  dns: 'nothing yet',
  connect: 'nothing yet',
  greeting: 'the host and port (a mail server answered)',
  ehlo: 'the host and port',
  tls: 'the host, port and protocol',
  auth: 'the host, port and TLS settings',
  envelope: 'the connection, TLS and authentication settings',
  message: 'the connection, TLS and authentication settings and the envelope',
};

/** A 4xx at any stage: not a wrong setting; the server asks to come back later. */
export function temporaryFailure(stage: StageName, reply: Reply): StageFailure {
  return replyFailure(
    stage,
    'temporary',
    reply,
    `${TEMPORARY_WORDS} (${codeOf(reply)})`,
    `nothing in the settings needs to change for this: the server accepted ${PROVEN[stage]}; try again in a few minutes (the server may be busy, greylisting this machine or limiting connections); if it keeps saying this, ask the mail administrator`,
  );
}

const STARTTLS_FIRST = /STARTTLS|\bTLS\b.*(first|required)|encryption required/i;
const AUTH_REQUIRED = /auth\w* (is )?required|must (first )?authenticate|authentication (is )?needed|not authenticated/i;
const RELAY = /relay/i;
const NOT_OWNED = /not owned|not (allowed|authori[sz]ed|permitted) to send|sender address rejected|send as|mismatch|does not match/i;
const UNKNOWN_ADDRESS = /unknown|no such|does not exist|not found|mailbox unavailable|invalid (recipient|address|mailbox)|user doesn'?t exist/i;

const enhancedClass = (reply: Reply) => /^5\.(\d+)\./.exec(reply.enhanced ?? '')?.[1];

/** The server wants STARTTLS or AUTH before it takes mail: the fix is a setting, whatever the address. */
function sessionRequirement(reply: Reply, settings: MailSettings): StageFailure | undefined {
  if (reply.code === 538 || STARTTLS_FIRST.test(reply.raw)) {
    const smtp = settings.protocol === 'smtp' && !settings.starttls;
    return replyFailure(
      'envelope',
      'starttls-required',
      reply,
      'the server takes mail only after STARTTLS',
      smtp ? 'turn STARTTLS on' : 'the server asks for STARTTLS although this connection is encrypted: ask the mail administrator',
      smtp ? { suggestion: { starttls: true }, question: 'starttls' } : {},
    );
  }
  if (reply.code === 530 || AUTH_REQUIRED.test(reply.raw)) {
    return settings.auth
      ? replyFailure(
          'envelope',
          'auth-required',
          reply,
          'the server asks for authentication although the login succeeded',
          'the account may not send mail through this server: ask the mail administrator',
        )
      : replyFailure(
          'envelope',
          'auth-required',
          reply,
          'the server takes mail only from an authenticated account',
          'turn authentication on, with the user name (the full e-mail address Teaming sends from) and password of the account',
          { suggestion: { auth: true }, question: 'auth' },
        );
  }
  return undefined;
}

/** Which sender MAIL FROM carried, and why (envelope.ts's EnvelopeAddresses, as far as a refusal needs it). */
export interface SenderUsed {
  from: string;
  /** No sender in the settings: the test recipient stood in. */
  senderStandIn?: boolean;
}

const SENDER_FLAG = '--sender ADDRESS';

/**
 * MAIL FROM was refused. A refusal of the sender itself ("not owned", "not verified", "does not
 * match a verified Sender Identity", 553, 5.7.x with an account) is about the sender, not relaying:
 * it names the sender and the sender setting (`--sender`). Teaming sends from the sender setting,
 * else the user name as written.
 */
export function senderRefusal(reply: Reply, settings: MailSettings, used: SenderUsed | string): StageFailure {
  const { from, senderStandIn } = typeof used === 'string' ? { from: used, senderStandIn: false } : used;
  const provider = providerRefusal('envelope', reply);
  if (provider) return provider;
  if (replyClass(reply) === 'temporary') return temporaryFailure('envelope', reply);
  const requirement = sessionRequirement(reply, settings);
  if (requirement) return requirement;
  const shown = from === '' ? 'the null sender <>' : `the sender ${from}`;
  const whence = senderStandIn
    ? ' (these settings name no sender, so the test recipient stood in as the sender)'
    : settings.sender !== ''
      ? ' (the sender address setting)'
      : settings.auth
        ? ' (Teaming sends from the user name when no sender address is set)'
        : '';
  if (settings.auth && (enhancedClass(reply) === '7' || reply.code === 553 || reply.code === 550 || NOT_OWNED.test(reply.raw))) {
    return replyFailure(
      'envelope',
      'sender-not-owned',
      reply,
      `the server does not let this account send as ${from}${whence}`,
      `this is about the sender, not relaying: set the sender address of notifications to an address this account may send from — a verified sender, or the account's own address (${SENDER_FLAG})`,
      { question: 'sender' },
    );
  }
  if (!settings.auth && enhancedClass(reply) === '7') {
    return replyFailure(
      'envelope',
      'auth-required',
      reply,
      `the server refuses ${shown}${whence} without authentication`,
      'turn authentication on, with the user name and password of the account',
      { suggestion: { auth: true }, question: 'auth' },
    );
  }
  return replyFailure(
    'envelope',
    'sender-refused',
    reply,
    `the server refused ${shown}${whence}`,
    senderStandIn || from === ''
      ? `set the sender address of notifications (${SENDER_FLAG}), or give a test recipient in a domain the server knows; if it still refuses, ask the mail administrator`
      : `set the sender address of notifications to an address the server accepts (${SENDER_FLAG})`,
    { question: 'sender' },
  );
}

/** RCPT TO was refused; `isSender` when the recipient is the sender itself (no test recipient given). */
export function recipientRefusal(reply: Reply, settings: MailSettings, to: string, isSender: boolean): StageFailure {
  if (replyClass(reply) === 'temporary') return temporaryFailure('envelope', reply);
  const requirement = sessionRequirement(reply, settings);
  if (requirement) return requirement;
  const policy = enhancedClass(reply) === '7' || RELAY.test(reply.raw);
  if (policy && !settings.auth) {
    return replyFailure(
      'envelope',
      'auth-required',
      reply,
      `the server does not relay to ${to} for this machine without authentication`,
      'turn authentication on, with the user name (the full e-mail address Teaming sends from) and password of the account',
      { suggestion: { auth: true }, question: 'auth' },
    );
  }
  if (policy) {
    return replyFailure(
      'envelope',
      'relay-denied',
      reply,
      `the server does not relay to ${to} for ${settings.username}`,
      `the account may not send to that domain: ask the mail administrator to let ${settings.username} send to outside addresses (Teaming mails every user), or test with a recipient in the server's own domain`,
    );
  }
  if (enhancedClass(reply) === '1' || UNKNOWN_ADDRESS.test(reply.raw)) {
    return replyFailure(
      'envelope',
      'recipient-unknown',
      reply,
      `the server does not know the address ${to}`,
      isSender
        ? 'the user name is also the sender and, without a test recipient, the recipient: enter the full e-mail address of the account as the user name, or give a test recipient'
        : 'check the test recipient address for a typo; the mailbox may not exist',
      isSender ? { question: 'username' } : {},
    );
  }
  return replyFailure(
    'envelope',
    'recipient-refused',
    reply,
    `the server refused the recipient ${to}`,
    'check the test recipient address; if it is right, ask the mail administrator why the server refuses it',
  );
}

/** AUTH was refused. */
export function authRefusal(settings: MailSettings, reply: Reply): StageFailure {
  const provider = providerRefusal('auth', reply);
  if (provider) return provider;
  if (reply.code === 538 || reply.enhanced === '5.7.11') {
    const smtp = settings.protocol === 'smtp';
    return replyFailure(
      'auth',
      'auth-needs-tls',
      reply,
      'the server requires encryption before authentication',
      smtp ? 'turn STARTTLS on' : 'the server wants TLS before authentication, yet this is SMTPS: ask the mail administrator',
      {
        suggestion: smtp ? { starttls: true } : undefined,
        question: 'starttls',
      },
    );
  }
  if (replyClass(reply) === 'temporary') return temporaryFailure('auth', reply);
  const other = settings.username.includes('@')
    ? 'some servers need the user name without the domain instead of the full e-mail address, or the other way round'
    : 'some servers need the full e-mail address instead of the user name, or the other way round';
  return replyFailure(
    'auth',
    'auth-refused',
    reply,
    `authentication refused for ${settings.username}`,
    `authentication refused (${codeOf(reply)}): check the password; ${other}`,
    { question: 'password' },
  );
}

/** DATA (`data` false) or the message itself (`data` true) was refused. */
export function messageRefusal(reply: Reply, data: boolean): StageFailure {
  const provider = providerRefusal('message', reply);
  if (provider) return provider;
  if (replyClass(reply) === 'temporary') return temporaryFailure('message', reply);
  return data
    ? replyFailure(
        'message',
        'message-refused',
        reply,
        'the server refused the test message',
        'check the server log (size limits, content filters), or ask the mail administrator',
      )
    : replyFailure('message', 'message-refused', reply, 'the server refused DATA', 'check the server log, or ask the mail administrator');
}
