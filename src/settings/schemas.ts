/**
 * One zod schema per answer: the single source of truth for prompts, flags, the answers file
 * and values read back from a settings file. Each message names the field and the fix.
 */
import { ipVersion } from './ip-address.ts';
import * as z from 'zod';
import { canonicalTimeZone, isValidTimeZone } from './time-zone-names.ts';

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Characters that change how the text around them reads without being seen: direction overrides and marks, zero-width characters. */
const INVISIBLE_FORMATTING = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

function withoutControlCharacters(field: string) {
  return z
    .string({ error: `${field} must be text` })
    .refine((value) => !CONTROL_CHARACTERS.test(value), {
      error: `${field} must not contain control characters or line breaks`,
      abort: true,
    })
    .refine((value) => !INVISIBLE_FORMATTING.test(value), {
      error: `${field} must not contain invisible direction or formatting characters (such as U+202E, right-to-left override): type it again by hand`,
      abort: true,
    });
}

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isHostName(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (!labels.every((label) => HOST_LABEL.test(label))) return false;
  // "10.0.0.300" is neither a name nor an address.
  return !labels.every((label) => /^\d+$/.test(label));
}

/** An IPv6 literal may be typed with or without the brackets of a URL. */
function unbracket(value: string): string {
  return /^\[.*\]$/.test(value) ? value.slice(1, -1) : value;
}

export const protocolSchema = z.enum(['smtp', 'smtps'], { error: 'protocol must be smtp or smtps' });

/** A protocol as people type it (`SMTP`, ` smtps`): any case; the file holds it in lower case, as JavaMail reads it. */
export const protocolAnswerSchema = z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), protocolSchema);

/**
 * A SHA-256 certificate fingerprint as --accept-certificate takes it: 32 bytes in hex, colons
 * (or spaces) between them optional, any case, an optional "sha256:" in front; `AA:BB:…` out.
 */
export const fingerprintSchema = z
  .string({ error: 'certificate fingerprint must be text' })
  .transform((value) => value.trim().replace(/^sha-?256[:=\s]*/i, ''))
  .refine((hex) => /^[0-9a-f]{2}([:\s]?[0-9a-f]{2}){31}$/i.test(hex), {
    error: 'a SHA-256 fingerprint is 32 bytes in hex, e.g. 39:4E:…:A1 (64 hex digits; the colons are optional), as the failed check shows it',
  })
  .transform((hex) =>
    hex
      .replace(/[^0-9a-f]/gi, '')
      .toUpperCase()
      .match(/../g)!
      .join(':'),
  );

/**
 * What is wrong with a host that is no name or address, and the fix: the usual slips (a URL, a
 * port, a user, a space, an underscore) each get their own message; anything else the general one.
 */
function hostMistake(value: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value)?.[0];
  if (scheme) return `host must not start with "${scheme}": drop it, the host is the server's name or address alone`;
  if (/\s/.test(value)) return 'host must not contain spaces: a host name is one word, such as mail.example.com';
  const user = /^[^@]*@/.exec(value)?.[0];
  if (user) return `host must not include a user name: drop "${user}" (the user name is asked for with authentication)`;
  const port = /^(\[[^\]]*\]|[^:]*):(\d*)$/.exec(value);
  if (port) return `host must not include the port: drop ":${port[2]}", the port is the next question (--port unattended)`;
  const path = /\/.*$/.exec(value)?.[0];
  if (path) return `host must not include a path: drop "${path}"`;
  if (value.includes('_')) return 'host must not contain "_": underscores are not valid in host names (use the server\'s DNS name or its address)';
  return 'host must be a host name (mail.example.com), an IPv4 address (192.0.2.10) or an IPv6 address (2001:db8::25)';
}

/**
 * A host that the C library would read as an IPv4 address (its last label a number: `127.1`,
 * `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`), in dotted-decimal, as Node would connect to it; Java's
 * InetAddress reads only four decimal parts, so the file must hold that form. undefined: no such form.
 */
export function numericIPv4(value: string): string | undefined {
  if (value.includes(':')) return undefined;
  const parts = value.replace(/\.$/, '').split('.');
  if (!/^(?:0x[0-9a-f]*|\d+)$/i.test(parts.at(-1)!)) return undefined;
  const numbers = parts.map((part) =>
    /^0x[0-9a-f]*$/i.test(part)
      ? Number.parseInt(part.slice(2) || '0', 16)
      : /^0[0-7]+$/.test(part)
        ? Number.parseInt(part, 8)
        : /^\d+$/.test(part)
          ? Number(part)
          : Number.NaN,
  );
  if (numbers.length > 4 || numbers.some((number) => !Number.isSafeInteger(number))) return '';
  const last = numbers.pop()!;
  if (numbers.some((number) => number > 255) || last >= 256 ** (4 - numbers.length)) return '';
  const bytes = [...numbers, ...Array.from({ length: 4 - numbers.length }, (_, index) => Math.floor(last / 256 ** (3 - numbers.length - index)) % 256)];
  return bytes.join('.');
}

export const hostSchema = withoutControlCharacters('host')
  .transform((value) => unbracket(value.trim()))
  .refine((value) => value.length > 0, { error: 'host is required: the name or address of the mail server', abort: true })
  // Node resolves these forms; Java's InetAddress.getByName does not, and Teaming would fail to connect.
  .refine((value) => ipVersion(value) !== 0 || numericIPv4(value) === undefined, {
    error: (issue) => {
      const dotted = numericIPv4(String(issue.input));
      return `host ${String(issue.input)} must be written as four decimal numbers${dotted ? `, ${dotted}` : ' from 0 to 255, such as 192.0.2.10'}: Java reads no other form of an IPv4 address`;
    },
    abort: true,
  })
  .refine((value) => ipVersion(value) !== 0 || isHostName(value), { error: (issue) => hostMistake(String(issue.input)) });

/**
 * A whole number from `min` to `max`, given as a number or as digits (flags and prompts give text);
 * every way of getting it wrong gets the same message.
 */
function wholeNumber(message: string, min: number, max: number) {
  const digits = String(max).length;
  return z
    .union(
      [
        z.number(),
        z
          .string()
          .trim()
          .regex(new RegExp(`^\\d{1,${digits}}$`), { error: message })
          .transform(Number),
      ],
      { error: message },
    )
    .pipe(z.number().int({ error: message }).min(min, { error: message }).max(max, { error: message }));
}

export const portSchema = wholeNumber('port must be a whole number from 1 to 65535', 1, 65535);

/** Accepts any case and links ("us/pacific"); gives the spelling Java knows (see canonicalTimeZone). */
export const timeZoneSchema = withoutControlCharacters('time zone')
  .transform((value) => value.trim())
  .refine((value) => isValidTimeZone(value), {
    error: 'time zone must be an IANA zone name such as America/New_York or Europe/Berlin',
    abort: true,
  })
  .transform((value) => canonicalTimeZone(value) ?? value);

export const usernameSchema = withoutControlCharacters('user name')
  .transform((value) => value.trim())
  .refine((value) => value.length > 0, {
    error: 'user name is required when the server needs authentication: a user name or a full e-mail address',
    abort: true,
  })
  .refine((value) => value.length <= 320, { error: 'user name must be at most 320 characters' });

/** Any text but NUL, of a sane length: a password, or a stored user name (checked fully when it is used). */
export function plainText(field: string) {
  return z
    .string({ error: `${field} must be text` })
    .refine((value) => !value.includes('\u0000'), { error: `${field} must not contain a NUL character` })
    .refine((value) => value.length <= 1024, { error: `${field} must be at most 1024 characters` });
}

export const passwordSchema = plainText('password');

export const booleanSchema = (field: string) =>
  z.union(
    [
      z.boolean(),
      z
        .string()
        .trim()
        .toLowerCase()
        .refine((value) => ['true', 'false', 'yes', 'no'].includes(value))
        .transform((value) => value === 'true' || value === 'yes'),
    ],
    { error: `${field} must be true or false` },
  );

export const connectionTimeoutSecondsSchema = wholeNumber('connection timeout must be a whole number of seconds from 1 to 600', 1, 600);

export const readTimeoutSecondsSchema = wholeNumber('read timeout must be a whole number of seconds from 1 to 600', 1, 600);

/** The whole mail server check's limit (--probe-timeout). */
export const probeTimeoutSecondsSchema = wholeNumber('probe timeout must be a whole number of seconds from 1 to 300', 1, 300);

const RECIPIENT = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+$/;

/** Where a test message goes: one plain address (--test-recipient, or the offer after writing). */
export const testRecipientSchema = withoutControlCharacters('test recipient')
  .transform((value) => value.trim())
  .refine((value) => RECIPIENT.test(value), { error: 'test recipient must be one e-mail address, such as admin@example.com' });

/**
 * The sender of notifications (Teaming's ssf.outgoing.from.address): one plain address. Non-ASCII
 * is refused: Teaming's JavaMail 1.6 without mail.mime.allowutf8 sends it as Latin-1, which servers
 * refuse or read as another address.
 */
export const senderSchema = withoutControlCharacters('sender')
  .transform((value) => value.trim())
  .refine((value) => RECIPIENT.test(value), {
    error: 'sender must be one e-mail address, such as teaming@example.com (the address notifications come from)',
    abort: true,
  })
  .refine((value) => /^[\x21-\x7e]+$/.test(value), {
    error: "sender must be plain ASCII: Teaming's JavaMail sends other characters as Latin-1, which mail servers refuse or read as another address",
  });

/**
 * The name JavaMail announces with EHLO (mail.<protocol>.localhost): a fully-qualified host name,
 * or an address literal such as [192.0.2.7].
 */
export const ehloNameSchema = withoutControlCharacters('EHLO name')
  .transform((value) => value.trim())
  .refine((value) => (isHostName(value) && value.replace(/\.$/, '').includes('.')) || /^\[(?:IPv6:)?[0-9A-Fa-f:.]+\]$/.test(value), {
    error: "EHLO name must be this machine's fully-qualified host name (teaming.example.com) or an address literal such as [192.0.2.7]",
  });

/** Stored in milliseconds (JavaMail's unit); any whole number an administrator may have set by hand. */
export const connectionTimeoutMsSchema = wholeNumber('connection timeout must be a whole number of milliseconds from 1000 to 600000', 1000, 600000);

/** mail.<protocol>.timeout and .writetimeout, in milliseconds, as an administrator may have set them. */
export const readTimeoutMsSchema = wholeNumber('read timeout must be a whole number of milliseconds from 1000 to 600000', 1000, 600000);

/**
 * One site's outbound e-mail settings, complete (settings.ts: MailSettings). Each value as it is
 * stored: the user name may be blank (no authentication), the timeout is in milliseconds.
 */
export const mailSettingsSchema = z.object({
  protocol: protocolSchema,
  host: hostSchema,
  port: portSchema,
  /** Upgrade a plain SMTP connection with STARTTLS. Always false for SMTPS (TLS from the first byte). */
  starttls: z.boolean(),
  /** IANA zone that stamps notification e-mails. */
  timeZone: timeZoneSchema,
  auth: z.boolean(),
  /** User name or full e-mail address; '' without authentication. Also the sender of notifications, without `sender`. */
  username: plainText('user name'),
  /** '' when there is none. */
  password: passwordSchema,
  allowSendToAllUsers: z.boolean(),
  connectionTimeoutMs: connectionTimeoutMsSchema,
  /** How long JavaMail waits for a read or a write (mail.<protocol>.timeout and .writetimeout); JavaMail's own default is forever. */
  readTimeoutMs: readTimeoutMsSchema,
  /** The sender of notifications (ssf.outgoing.from.address); '' when Teaming sends from the user name. */
  sender: plainText('sender'),
  /** The name JavaMail announces with EHLO (mail.<protocol>.localhost); '' for this machine's canonical name. */
  ehloName: plainText('EHLO name'),
});

/**
 * Check one value with one schema; the first message, or the parsed value.
 * Used by every prompt's inline validation, so a prompt shows exactly what a flag would.
 */
export function check<T>(schema: z.ZodType<T>, value: unknown): { ok: true; value: T } | { ok: false; message: string } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: result.error.issues[0]?.message ?? 'invalid value' };
}

/** For Inquirer's `validate`: true, or the message to show under the answer. */
export function validator<T>(schema: z.ZodType<T>): (value: unknown) => true | string {
  return (value) => {
    const result = check(schema, value);
    return result.ok ? true : result.message;
  };
}
