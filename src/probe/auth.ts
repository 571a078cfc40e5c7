import type { MailSettings } from '../settings.ts';
import { codeOf, fail, replyFailure, type StageFailure } from './failures.ts';
import { replyClass, temporaryFailure } from './replies.ts';
import type { Reply, SmtpChannel } from './smtp-channel.ts';
import type { ServerCapabilities } from './types.ts';

/** What the transcript shows instead of credentials. */
const HIDDEN = '<secret>';

/** Mechanisms Teaming's JavaMail session and this probe both speak, best first. */
const MECHANISMS = ['PLAIN', 'LOGIN'] as const;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * Signs in with the user name and password of `settings`. `capabilities` are those of the last
 * EHLO; `plain` those before STARTTLS, to tell why AUTH is missing. Resolves with the mechanism.
 */
export async function authenticate(channel: SmtpChannel, settings: MailSettings, capabilities: ServerCapabilities, plain: ServerCapabilities): Promise<{ mechanism: string; reply: Reply }> {
  if (capabilities.auth.length === 0) throw noAuth(settings, plain);
  const mechanism = MECHANISMS.find((name) => capabilities.auth.includes(name));
  if (!mechanism) {
    throw fail('auth', 'auth-unsupported', `the server offers only AUTH ${capabilities.auth.join(' ')}`, 'Teaming signs in with PLAIN or LOGIN; ask the mail administrator to enable one of them on this port');
  }
  let reply: Reply;
  if (mechanism === 'PLAIN') {
    const token = b64(`\u0000${settings.username}\u0000${settings.password}`);
    reply = await channel.command(`AUTH PLAIN ${token}`, `AUTH PLAIN ${HIDDEN}`);
    if (reply.code === 334) reply = await channel.command(token, HIDDEN);
  } else {
    reply = await channel.command('AUTH LOGIN');
    if (reply.code === 334) reply = await channel.command(b64(settings.username));
    if (reply.code === 334) reply = await channel.command(b64(settings.password), HIDDEN);
  }
  if (reply.code === 235) return { mechanism, reply };
  throw authRefused(settings, reply);
}

function noAuth(settings: MailSettings, plain: ServerCapabilities): StageFailure {
  if (settings.protocol === 'smtp' && !settings.starttls && plain.starttls) {
    return fail('auth', 'auth-needs-tls', 'the server offers authentication only after STARTTLS', 'turn STARTTLS on', { suggestion: { starttls: true }, question: 'starttls' });
  }
  if (settings.protocol === 'smtp' && settings.starttls && plain.auth.length > 0) {
    return fail('auth', 'auth-before-tls-only', 'the server offers authentication only before STARTTLS, where the password would travel unencrypted', 'ask the mail administrator to allow AUTH over TLS, or choose SMTPS on port 465 if the server offers it');
  }
  return fail('auth', 'auth-missing', `the server offers no authentication on port ${settings.port}`, 'turn authentication off if this server accepts mail from this machine without it, or use the submission port 587 (SMTP with STARTTLS) or 465 (SMTPS)', {
    suggestion: { auth: false },
    question: 'auth',
  });
}

function authRefused(settings: MailSettings, reply: Reply): StageFailure {
  if (reply.code === 538 || reply.enhanced === '5.7.11') {
    const smtp = settings.protocol === 'smtp';
    return replyFailure('auth', 'auth-needs-tls', reply, 'the server requires encryption before authentication', smtp ? 'turn STARTTLS on' : 'the server wants TLS before authentication, yet this is SMTPS: ask the mail administrator', {
      suggestion: smtp ? { starttls: true } : undefined,
      question: 'starttls',
    });
  }
  if (replyClass(reply) === 'temporary') return temporaryFailure('auth', reply);
  const other = settings.username.includes('@')
    ? 'some servers need the user name without the domain instead of the full e-mail address, or the other way round'
    : 'some servers need the full e-mail address instead of the user name, or the other way round';
  return replyFailure('auth', 'auth-refused', reply, `authentication refused for ${settings.username}`, `authentication refused (${codeOf(reply)}): check the password; ${other}`, { question: 'password' });
}
