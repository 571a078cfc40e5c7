/**
 * One zod schema per answer: the single source of truth for prompts, flags, the answers file
 * and values read back from a settings file. Each message names the field and the fix.
 */
import { isIPv4, isIPv6 } from 'node:net';
import * as z from 'zod';
import { canonicalTimeZone, isValidTimeZone } from './time-zones.ts';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function withoutControlCharacters(field: string) {
  return z
    .string({ error: `${field} must be text` })
    .refine((value) => !CONTROL_CHARACTERS.test(value), {
      error: `${field} must not contain control characters or line breaks`,
      abort: true,
    });
}

const HOST_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

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

export const hostSchema = withoutControlCharacters('host')
  .transform((value) => unbracket(value.trim()))
  .refine((value) => value.length > 0, { error: 'host is required: the name or address of the mail server', abort: true })
  .refine((value) => isIPv4(value) || isIPv6(value) || isHostName(value), {
    error: 'host must be a host name (mail.example.com), an IPv4 address (192.0.2.10) or an IPv6 address (2001:db8::25)',
  });

const PORT_MESSAGE = 'port must be a whole number from 1 to 65535';
export const portSchema = z
  .union([z.number(), z.string().trim().regex(/^\d{1,5}$/, { error: PORT_MESSAGE }).transform(Number)], {
    error: PORT_MESSAGE,
  })
  .pipe(z.number().int({ error: PORT_MESSAGE }).min(1, { error: PORT_MESSAGE }).max(65535, { error: PORT_MESSAGE }));

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

export const passwordSchema = z
  .string({ error: 'password must be text' })
  .refine((value) => !value.includes('\u0000'), { error: 'password must not contain a NUL character' })
  .refine((value) => value.length <= 1024, { error: 'password must be at most 1024 characters' });

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

const TIMEOUT_MESSAGE = 'connection timeout must be a whole number of seconds from 1 to 600';
export const connectionTimeoutSecondsSchema = z
  .union([z.number(), z.string().trim().regex(/^\d{1,3}$/, { error: TIMEOUT_MESSAGE }).transform(Number)], {
    error: TIMEOUT_MESSAGE,
  })
  .pipe(z.number().int({ error: TIMEOUT_MESSAGE }).min(1, { error: TIMEOUT_MESSAGE }).max(600, { error: TIMEOUT_MESSAGE }));

/** Stored in milliseconds (JavaMail's unit); any positive whole number an administrator may have set by hand. */
export const connectionTimeoutMsSchema = z
  .union([z.number(), z.string().trim().regex(/^\d{1,7}$/).transform(Number)], {
    error: 'connection timeout must be a whole number of milliseconds from 1000 to 600000',
  })
  .pipe(
    z
      .number()
      .int()
      .min(1000, { error: 'connection timeout must be a whole number of milliseconds from 1000 to 600000' })
      .max(600000, { error: 'connection timeout must be a whole number of milliseconds from 1000 to 600000' }),
  );

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
