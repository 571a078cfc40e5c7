/**
 * Every form of the password (as typed, base64 for AUTH LOGIN and AUTH PLAIN) replaced by the mask
 * in whatever the probe reports. The transcript masks what the probe sends (smtp-channel.ts
 * `shown`); this also catches a server that echoes a secret back in a reply.
 */
import { MASKED_PASSWORD } from '../settings/settings.ts';

/** Every form in which a password could travel in an SMTP session: as typed, and base64 (AUTH LOGIN, AUTH PLAIN). */
export function secretForms(username: string, password: string): string[] {
  if (password === '') return [];
  const forms = [password, Buffer.from(password, 'utf8').toString('base64'), Buffer.from(`\u0000${username}\u0000${password}`, 'utf8').toString('base64')];
  return forms.filter((form) => form.length >= 3 || form === password).sort((a, b) => b.length - a.length);
}

function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join(MASKED_PASSWORD);
  return result;
}

/** A deep copy of `value` with every secret form replaced by the password mask in every string. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactText(item, secrets);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    }
    return item;
  };
  return walk(value) as T;
}
