/**
 * When the check may send the password: only over TLS (SMTPS, or STARTTLS in effect), unless the
 * administrator allowed an unencrypted connection for this run (--allow-plaintext-auth, or the
 * wizard's "send it unencrypted anyway"). No socket here: the probe asks before it sends AUTH.
 */
import { ALLOW_PLAINTEXT_FLAG, PLAINTEXT_REFUSAL, type MailSettings } from '../settings.ts';
import { fail, type StageFailure } from './failures.ts';
import type { ServerCapabilities } from './types.ts';

export { ALLOW_PLAINTEXT_FLAG, PLAINTEXT_REFUSAL, PLAINTEXT_WARNING, sendsPasswordInClear } from '../settings.ts';

/**
 * undefined when AUTH may go ahead; else the failure of the AUTH stage, which says whether the
 * server offers STARTTLS on this port (the usual ports are tried after it, see probe-step.ts).
 */
export function plaintextAuthRefusal(settings: MailSettings, tlsInEffect: boolean, allowed: boolean, capabilities: ServerCapabilities): StageFailure | undefined {
  // No AUTH offered here: nothing would be sent, and authenticate() says why (auth.ts).
  if (!settings.auth || tlsInEffect || allowed || capabilities.auth.length === 0) return undefined;
  const offer = capabilities.starttls ? `the server offers STARTTLS on port ${settings.port}` : `the server offers no STARTTLS on port ${settings.port}`;
  const fix = capabilities.starttls ? 'turn STARTTLS on' : 'choose SMTPS (usually port 465) or a port with STARTTLS (usually 587), if the server offers one';
  return fail('auth', 'auth-plaintext', `${PLAINTEXT_REFUSAL}: no TLS on this connection, and ${offer}; AUTH was not sent`, `${fix}; only if this network path is trusted, send it unencrypted anyway (${ALLOW_PLAINTEXT_FLAG})`, {
    suggestion: capabilities.starttls ? { starttls: true } : undefined,
    question: 'starttls',
  });
}
