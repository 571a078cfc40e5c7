/**
 * Layer src/settings/: the settings model and its zod schemas, both file formats (installer.properties,
 * installer.xml), time zones, and the atomic writer. It may import the leaf modules (errors, output,
 * version) only.
 *
 * The outbound e-mail settings of a Teaming site: what the wizard asks and the file stores.
 */
export type Protocol = 'smtp' | 'smtps';

export interface MailSettings {
  protocol: Protocol;
  host: string;
  port: number;
  /** Upgrade a plain SMTP connection with STARTTLS. Always false for SMTPS (TLS from the first byte). */
  starttls: boolean;
  /** IANA zone that stamps notification e-mails. */
  timeZone: string;
  auth: boolean;
  /** User name or full e-mail address; '' without authentication. Also the sender of notifications. */
  username: string;
  /** '' when there is none. */
  password: string;
  allowSendToAllUsers: boolean;
  connectionTimeoutMs: number;
}

export const DEFAULT_PORT: Record<Protocol, number> = { smtp: 25, smtps: 465 };
export const DEFAULT_CONNECTION_TIMEOUT_MS = 15000;
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
  const protocol = given.protocol ?? 'smtp';
  const auth = given.auth ?? false;
  return {
    protocol,
    host: given.host,
    port: given.port ?? DEFAULT_PORT[protocol],
    starttls: protocol === 'smtp' ? (given.starttls ?? false) : false,
    timeZone: given.timeZone,
    auth,
    username: auth ? (given.username ?? '') : '',
    password: auth ? (given.password ?? '') : '',
    allowSendToAllUsers: given.allowSendToAllUsers ?? true,
    connectionTimeoutMs: given.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
  };
}

export const MASKED_PASSWORD = '••••••';

export function maskPassword(password: string): string {
  return password === '' ? '(none)' : MASKED_PASSWORD;
}

/** Labels used wherever a setting is named to a person (summary sheet, change list, errors). */
export const SETTING_LABELS: Record<keyof MailSettings, string> = {
  protocol: 'Protocol',
  host: 'Mail host',
  port: 'Port',
  starttls: 'STARTTLS',
  timeZone: 'Time zone',
  auth: 'Authentication',
  username: 'User name',
  password: 'Password',
  allowSendToAllUsers: 'Allow sending to All Users',
  connectionTimeoutMs: 'Connection timeout',
};

/** Whether Teaming, with these settings, sends the password without TLS (SMTP, no STARTTLS, AUTH on). */
export function sendsPasswordInClear(settings: Partial<Pick<MailSettings, 'protocol' | 'starttls' | 'auth'>>): boolean {
  return settings.auth === true && (settings.protocol ?? 'smtp') === 'smtp' && settings.starttls !== true;
}

export const PLAINTEXT_REFUSAL = 'the password would cross the network unencrypted';
/** What every output says of such settings: the stage line, the summary sheet, the final message, show and check. */
export const PLAINTEXT_WARNING =
  'the password crosses the network unencrypted (no TLS): anyone on the network path can read it, and Teaming will send it this way every time';
export const ALLOW_PLAINTEXT_FLAG = '--allow-plaintext-auth';
