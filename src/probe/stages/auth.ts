/**
 * The AUTH stage. Whether the check may send the password, and with which mechanism: only over TLS (SMTPS, or
 * STARTTLS in effect), unless the administrator allowed an unencrypted connection for this run
 * (--allow-plaintext-auth, or the wizard's "send it unencrypted anyway"); never when the server
 * offers no AUTH (credentials given there fail the AUTH stage, they are never a success). Then
 * the exchange itself: AUTH PLAIN with its initial response (one round trip), AUTH LOGIN only
 * where PLAIN is not offered, on the probe's channel (see smtp-channel.ts for why not through
 * nodemailer's login(), which would also send AUTH PLAIN to a server that offers nothing).
 */
import { ALLOW_PLAINTEXT_FLAG, PLAINTEXT_REFUSAL, PLAINTEXT_WARNING, type MailSettings } from '../../settings/settings.ts';
import { fail, StageFailure } from '../failures.ts';
import { authRefusal, type Reply } from '../replies.ts';
import type { ServerCapabilities } from '../types.ts';
import type { ProbeSession, StageResult } from './session.ts';

/** Signs in with the mechanism the policy allows; the server's 235 is the stage's detail. */
export async function authStage(session: ProbeSession): Promise<StageResult<string>> {
  const { settings, options } = session;
  const capabilities = session.capabilities!;
  const refusal = plaintextAuthRefusal(settings, session.tlsSocket !== undefined, options.allowPlaintextAuth === true, capabilities);
  if (refusal) throw refusal;
  const mechanism = authMechanism(settings, capabilities, session.plainCapabilities!);
  if (mechanism instanceof StageFailure) throw mechanism;
  const reply = mechanism === 'PLAIN' ? await authPlain(session) : await authLogin(session);
  if (reply.code !== 235) throw authRefusal(settings, reply);
  session.authMechanism = mechanism;
  session.passwordUnencrypted = session.tlsSocket === undefined;
  const risk = session.passwordUnencrypted ? ` — allowed for this run, but ${PLAINTEXT_WARNING}` : '';
  return { value: mechanism, detail: `AUTH ${mechanism} accepted for ${settings.username} (${reply.raw})${risk}` };
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** AUTH PLAIN with its initial response (RFC 4616): one command, one reply. */
function authPlain(session: ProbeSession): Promise<Reply> {
  const { username, password } = session.settings;
  session.smtp.send({ line: `AUTH PLAIN ${base64(`\u0000${username}\u0000${password}`)}`, shown: 'AUTH PLAIN <secret>' });
  return session.reply();
}

/** AUTH LOGIN: the user name and the password, each on the server's 334. */
async function authLogin(session: ProbeSession): Promise<Reply> {
  const { username, password } = session.settings;
  session.smtp.send('AUTH LOGIN');
  const first = await session.reply();
  if (first.code !== 334) return first;
  session.smtp.send(base64(username));
  const second = await session.reply();
  if (second.code !== 334) return second;
  session.smtp.send({ line: base64(password), shown: '<secret>' });
  return session.reply();
}

/**
 * undefined when AUTH may go ahead; else the failure of the AUTH stage, which says whether the
 * server offers STARTTLS on this port (the usual ports are tried after it, see probe-step.ts).
 */
export function plaintextAuthRefusal(
  settings: MailSettings,
  tlsInEffect: boolean,
  allowed: boolean,
  capabilities: ServerCapabilities,
): StageFailure | undefined {
  // No AUTH offered here: nothing would be sent, and authMechanism() says why.
  if (!settings.auth || tlsInEffect || allowed || capabilities.auth.length === 0) return undefined;
  const offer = capabilities.starttls ? `the server offers STARTTLS on port ${settings.port}` : `the server offers no STARTTLS on port ${settings.port}`;
  const fix = capabilities.starttls ? 'turn STARTTLS on' : 'choose SMTPS (usually port 465) or a port with STARTTLS (usually 587), if the server offers one';
  return fail(
    'auth',
    'auth-plaintext',
    `${PLAINTEXT_REFUSAL}: no TLS on this connection, and ${offer}; AUTH was not sent`,
    `${fix}; only if this network path is trusted, send it unencrypted anyway (${ALLOW_PLAINTEXT_FLAG})`,
    {
      suggestion: capabilities.starttls ? { starttls: true } : undefined,
      question: 'starttls',
    },
  );
}

/** Mechanisms Teaming's JavaMail session and this probe both speak, best first. */
const MECHANISMS = ['PLAIN', 'LOGIN'] as const;

/**
 * The mechanism to sign in with; else the failure of the AUTH stage. `capabilities` are those of
 * the last EHLO; `plain` those before STARTTLS, to tell why AUTH is missing.
 */
export function authMechanism(settings: MailSettings, capabilities: ServerCapabilities, plain: ServerCapabilities): string | StageFailure {
  if (capabilities.auth.length === 0) return noAuth(settings, plain);
  const mechanism = MECHANISMS.find((name) => capabilities.auth.includes(name));
  if (mechanism) return mechanism;
  return fail(
    'auth',
    'auth-unsupported',
    `the server offers only AUTH ${capabilities.auth.join(' ')}`,
    'Teaming signs in with PLAIN or LOGIN; ask the mail administrator to enable one of them on this port',
  );
}

function noAuth(settings: MailSettings, plain: ServerCapabilities): StageFailure {
  if (settings.protocol === 'smtp' && !settings.starttls && plain.starttls) {
    return fail(
      'auth',
      'auth-needs-tls',
      `the server offers no authentication without TLS on port ${settings.port}, and offers STARTTLS`,
      'turn STARTTLS on if the server offers authentication after it',
      { suggestion: { starttls: true }, question: 'starttls' },
    );
  }
  if (settings.protocol === 'smtp' && settings.starttls && plain.auth.length > 0) {
    return fail(
      'auth',
      'auth-before-tls-only',
      'the server offers authentication only before STARTTLS, where the password would travel unencrypted',
      'ask the mail administrator to allow AUTH over TLS, or choose SMTPS on port 465 if the server offers it',
    );
  }
  // JavaMail skips AUTH silently when none is offered: the file would "work" with any password.
  return fail(
    'auth',
    'auth-missing',
    `the server offers no authentication on port ${settings.port}: Teaming would send without logging in and never check the password`,
    'turn authentication off if this server accepts mail from this machine without it (the check then tests exactly that), or use the port that authenticates: the submission port 587 (SMTP with STARTTLS) or 465 (SMTPS)',
    {
      suggestion: { auth: false },
      question: 'auth',
    },
  );
}
