/**
 * The settings the wizard manages, named by their JavaMail session keys: one list for both file
 * formats. installer.properties stores each key as a line; installer.xml stores the same keys as
 * attributes of EmailSettings/Outbound/Resource (and two of them on Outbound itself).
 */
import * as z from 'zod';
import { SettingsFileError } from '../errors.ts';
import { check, connectionTimeoutMsSchema, hostSchema, passwordSchema, plainText, portSchema, protocolSchema, timeZoneSchema } from './schemas.ts';
import { javaMailSafety, type JavaMailSafety } from './javamail-safety.ts';
import type { MailSettings, Protocol } from './settings.ts';

/** What a settings file holds: the outbound settings it has (possibly none), for defaults. */
export interface StoredSettings {
  /** True when the file already holds outbound e-mail settings. */
  hasOutbound: boolean;
  settings: Partial<MailSettings>;
  /** The JavaMail safety keys the file holds (only those present; absent when it holds none). */
  javaMail?: Partial<JavaMailSafety>;
}

/**
 * One file format (settings-format.ts chooses it by the path): bytes to stored settings, and the
 * existing bytes plus new settings to new bytes. Declared here, beside the keys both formats share,
 * so that neither format imports the module that chooses between them.
 */
export interface SettingsFormat {
  name: 'properties' | 'xml';
  /** `as`: that protocol's stored settings, whatever the file's protocol (none stored: no outbound settings). */
  read(bytes: Buffer, file: string, as?: Protocol): StoredSettings;
  /** The value the file holds for a managed key, as Teaming reads it (undefined: absent, or an empty attribute). */
  lookup(bytes: Buffer, file: string): (key: string) => string | undefined;
  /** `existing` undefined: a new file. */
  write(existing: Buffer | undefined, settings: MailSettings, file: string): Buffer;
  /** The file's bytes as text, to show on a terminal (--dry-run). */
  decode(bytes: Buffer, file: string): string;
  /** The file's text with every value whose key, attribute or element names a secret (secret-names.ts) replaced by `placeholder`, for a preview. */
  maskSecrets(text: string, placeholder: string): string;
}

/** Each managed key with its value; `undefined` removes the key, `null` leaves it as it is. */
export type KeyPlan = [key: string, value: string | undefined | null];

export const PROTOCOL_KEY = 'mail.transport.protocol';
export const TIME_ZONE_KEY = 'notify.timezone';
export const ALL_USERS_KEY = 'mail.allowSendToAllUsers';

export const STARTTLS_REQUIRED_KEY = 'mail.smtp.starttls.required';
export const checkServerIdentityKey = (protocol: Protocol) => `mail.${protocol}.ssl.checkserveridentity`;

export function managedKeys(settings: MailSettings): KeyPlan[] {
  const p = settings.protocol;
  const safety = javaMailSafety(settings);
  return [
    [PROTOCOL_KEY, p],
    [`mail.${p}.host`, settings.host],
    [`mail.${p}.port`, String(settings.port)],
    [`mail.${p}.auth`, String(settings.auth)],
    [`mail.${p}.user`, settings.auth ? settings.username : undefined],
    [`mail.${p}.password`, settings.auth && settings.password !== '' ? settings.password : undefined],
    [`mail.${p}.sendpartial`, 'true'],
    [`mail.${p}.connectiontimeout`, String(settings.connectionTimeoutMs)],
    // JavaMail 1.x checks the certificate's name only when asked.
    [checkServerIdentityKey(p), String(safety.checkServerIdentity)],
    // STARTTLS belongs to the smtp protocol; with smtps the line stays as the administrator left it.
    ['mail.smtp.starttls.enable', p === 'smtp' ? String(settings.starttls) : null],
    // Without .required JavaMail goes on in plain text (password included) when STARTTLS is not offered.
    [STARTTLS_REQUIRED_KEY, p === 'smtp' ? String(safety.starttlsRequired) : null],
    [TIME_ZONE_KEY, settings.timeZone],
    [ALL_USERS_KEY, String(settings.allowSendToAllUsers)],
  ];
}

/** One stored value of a managed key, with where it is (for messages). */
export interface StoredValue {
  value: string;
  /** How the value is named to a person: the key, or the attribute. */
  name: string;
  line: number;
  column?: number;
}

/**
 * JavaMail reads a flag as `"true".equalsIgnoreCase(value)`: "yes" or "true " would be false for
 * Teaming, so the file accepts exactly true or false (any case) rather than guess.
 */
const storedBoolean = (name: string) =>
  z
    .string()
    .regex(/^(?:true|false)$/i, { error: `${name} must be true or false` })
    .transform((value) => value.toLowerCase() === 'true');

/**
 * The stored settings, each value checked with its answer schema. `lookup` finds a key's value in
 * the file (undefined: not there); `fix` ends the message of an invalid value. `as`: read that
 * protocol's keys whatever the file's protocol is (none stored: no outbound settings for it).
 */
export function readManagedSettings(lookup: (key: string) => StoredValue | undefined, file: string, fix: string, as?: Protocol): StoredSettings {
  /** A schema, or for messages that name the value, a function of the value's name. */
  const read = <T>(key: string, schema: z.ZodType<T> | ((name: string) => z.ZodType<T>)): T | undefined => {
    const stored = lookup(key);
    if (stored === undefined) return undefined;
    const result = check(typeof schema === 'function' ? schema(stored.name) : schema, stored.value);
    if (!result.ok) throw new SettingsFileError(file, `${stored.name}: ${result.message} (${fix})`, stored.line, stored.column);
    return result.value;
  };

  const hasSmtps = lookup('mail.smtps.host') !== undefined;
  const hasSmtp = lookup('mail.smtp.host') !== undefined;
  const stored: Protocol | undefined = read(PROTOCOL_KEY, protocolSchema) ?? (hasSmtps && !hasSmtp ? 'smtps' : hasSmtp ? 'smtp' : undefined);
  const protocol = as !== undefined && lookup(`mail.${as}.host`) !== undefined ? as : as === undefined ? stored : undefined;
  if (protocol === undefined) return { hasOutbound: false, settings: {} };

  const p = protocol;
  const settings: Partial<MailSettings> = { protocol };
  const assign = <K extends keyof MailSettings>(field: K, value: MailSettings[K] | undefined) => {
    if (value !== undefined) settings[field] = value;
  };
  assign('host', read(`mail.${p}.host`, hostSchema));
  assign('port', read(`mail.${p}.port`, portSchema));
  assign('auth', read(`mail.${p}.auth`, storedBoolean));
  assign('username', read(`mail.${p}.user`, plainText('user name')));
  assign('password', read(`mail.${p}.password`, passwordSchema));
  assign('connectionTimeoutMs', read(`mail.${p}.connectiontimeout`, connectionTimeoutMsSchema));
  assign('starttls', p === 'smtp' ? read('mail.smtp.starttls.enable', storedBoolean) : false);
  assign('timeZone', read(TIME_ZONE_KEY, timeZoneSchema));
  assign('allowSendToAllUsers', read(ALL_USERS_KEY, storedBoolean));
  if (settings.auth === undefined && settings.username) settings.auth = true;
  const javaMail: Partial<JavaMailSafety> = {};
  const starttlsRequired = p === 'smtp' ? read(STARTTLS_REQUIRED_KEY, storedBoolean) : undefined;
  const checkServerIdentity = read(checkServerIdentityKey(p), storedBoolean);
  if (starttlsRequired !== undefined) javaMail.starttlsRequired = starttlsRequired;
  if (checkServerIdentity !== undefined) javaMail.checkServerIdentity = checkServerIdentity;
  return Object.keys(javaMail).length > 0 ? { hasOutbound: true, settings, javaMail } : { hasOutbound: true, settings };
}
