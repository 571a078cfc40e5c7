/**
 * Layer src/settings/: the settings model and its zod schemas, both file formats (installer.properties,
 * installer.xml), time zones, and the atomic writer. It may import the leaf modules (errors, output,
 * version) only.
 *
 * The outbound e-mail settings of a Teaming site: what the wizard asks and the file stores.
 */
import type * as z from 'zod';
import type { mailSettingsSchema } from './schemas.ts';

/** One site's outbound e-mail settings, as the schema in schemas.ts gives them. */
export type MailSettings = z.infer<typeof mailSettingsSchema>;
export type Protocol = MailSettings['protocol'];

export const DEFAULT_PORT: Record<Protocol, number> = { smtp: 25, smtps: 465 };
/** What a setting is when nothing gives it: the questions' defaults and completeSettings'. */
export const DEFAULTS = {
  protocol: 'smtp',
  auth: false,
  allowSendToAllUsers: true,
  connectionTimeoutMs: 15000,
  readTimeoutMs: 60000,
} satisfies Partial<MailSettings>;
export const SUBMISSION_PORT = 587;

/** The default for the STARTTLS question: yes on the submission port, where servers require it. */
export function defaultStarttls(port: number): boolean {
  return port === SUBMISSION_PORT;
}

/**
 * Every setting, from those given: what an unanswered setting defaults to, as Teaming's JavaMail
 * session reads it (no STARTTLS on SMTPS, no account without authentication).
 */
export function completeSettings(given: Partial<MailSettings> & Pick<MailSettings, 'host' | 'timeZone'>): MailSettings {
  const protocol = given.protocol ?? DEFAULTS.protocol;
  const auth = given.auth ?? DEFAULTS.auth;
  return {
    protocol,
    host: given.host,
    port: given.port ?? DEFAULT_PORT[protocol],
    starttls: protocol === 'smtp' ? (given.starttls ?? false) : false,
    timeZone: given.timeZone,
    auth,
    username: auth ? (given.username ?? '') : '',
    password: auth ? (given.password ?? '') : '',
    allowSendToAllUsers: given.allowSendToAllUsers ?? DEFAULTS.allowSendToAllUsers,
    connectionTimeoutMs: given.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    readTimeoutMs: given.readTimeoutMs ?? DEFAULTS.readTimeoutMs,
    sender: given.sender ?? '',
    ehloName: given.ehloName ?? '',
  };
}

export const MASKED_PASSWORD = '••••••';

export function maskPassword(password: string): string {
  return password === '' ? '(none)' : MASKED_PASSWORD;
}

/** Whether Teaming, with these settings, sends the password without TLS (SMTP, no STARTTLS, AUTH on). */
/** A user name that is the password too (Postmark's server token): a secret, shown and saved as one. */
export function isUsernameSecret(username: string | undefined, password: string | undefined): boolean {
  return username !== undefined && username !== '' && username === password;
}

export function sendsPasswordInClear(settings: Partial<Pick<MailSettings, 'protocol' | 'starttls' | 'auth'>>): boolean {
  return settings.auth === true && (settings.protocol ?? 'smtp') === 'smtp' && settings.starttls !== true;
}

export const PLAINTEXT_REFUSAL = 'the password would cross the network unencrypted';
/** What every output says of such settings: the stage line, the summary sheet, the final message, show and check. */
export const PLAINTEXT_WARNING =
  'the password crosses the network unencrypted (no TLS): anyone on the network path can read it, and Teaming will send it this way every time';
export const ALLOW_PLAINTEXT_FLAG = '--allow-plaintext-auth';
