/**
 * Whether the check may send the password, and with which mechanism: only over TLS (SMTPS, or
 * STARTTLS in effect), unless the administrator allowed an unencrypted connection for this run
 * (--allow-plaintext-auth, or the wizard's "send it unencrypted anyway"); never when the server
 * offers no AUTH (credentials given there fail the AUTH stage, they are never a success). No
 * socket here: the probe asks before nodemailer's login() sends AUTH. Not nodemailer's: its
 * login() would send AUTH PLAIN to a server that offers nothing, and over plain TCP.
 */
import { ALLOW_PLAINTEXT_FLAG, PLAINTEXT_REFUSAL, type MailSettings } from '../settings/settings.ts';
import { fail, type StageFailure } from './failures.ts';
import type { ServerCapabilities } from './types.ts';

export { ALLOW_PLAINTEXT_FLAG, PLAINTEXT_REFUSAL, PLAINTEXT_WARNING, sendsPasswordInClear } from '../settings/settings.ts';

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
    return fail('auth', 'auth-needs-tls', 'the server offers authentication only after STARTTLS', 'turn STARTTLS on', {
      suggestion: { starttls: true },
      question: 'starttls',
    });
  }
  if (settings.protocol === 'smtp' && settings.starttls && plain.auth.length > 0) {
    return fail(
      'auth',
      'auth-before-tls-only',
      'the server offers authentication only before STARTTLS, where the password would travel unencrypted',
      'ask the mail administrator to allow AUTH over TLS, or choose SMTPS on port 465 if the server offers it',
    );
  }
  return fail(
    'auth',
    'auth-missing',
    `the server offers no authentication on port ${settings.port}`,
    'turn authentication off if this server accepts mail from this machine without it, or use the submission port 587 (SMTP with STARTTLS) or 465 (SMTPS)',
    {
      suggestion: { auth: false },
      question: 'auth',
    },
  );
}
