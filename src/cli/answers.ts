/**
 * Answers given in advance: flags and the --answers JSON file, validated by the same schemas as
 * the prompts. Flags override the file. Every problem is collected, so all are reported at once.
 */
import type { z } from 'zod';
import {
  booleanSchema,
  check,
  connectionTimeoutSecondsSchema,
  hostSchema,
  portSchema,
  protocolSchema,
  timeZoneSchema,
  usernameSchema,
} from '../settings/schemas.ts';
import type { MailSettings } from '../settings/settings.ts';

/** The password is never a flag's value (it would show in the process list); these give it instead. */
export const PASSWORD_ENV = 'TEAMING_MAIL_PASSWORD';
export const PASSWORD_SOURCES = `--password-file, --password-stdin or ${PASSWORD_ENV}`;

/** The commander option attributes of the answer flags (`allowAllUsers` for --allow-all-users). */
export type AnswerOption = 'protocol' | 'host' | 'port' | 'starttls' | 'timeZone' | 'auth' | 'username' | 'allowAllUsers' | 'connectionTimeout';

/** The answers given as flags, as typed (text, or on/off); checked by each answer's schema in presetAnswers. */
export type AnswerFlags = { readonly [option in AnswerOption]?: string | boolean };

/** A question that can be answered in advance: its answers-file key, its flag, its schema. */
interface AnswerField {
  key: string;
  flag: string;
  /** The commander option attribute holding the flag's value. */
  option: AnswerOption;
  setting: keyof MailSettings;
  schema: z.ZodType<unknown>;
  toSetting?: (value: never) => unknown;
  fromSetting?: (value: never) => unknown;
}

export const ANSWER_FIELDS: readonly AnswerField[] = [
  { key: 'protocol', flag: '--protocol', option: 'protocol', setting: 'protocol', schema: protocolSchema },
  { key: 'host', flag: '--host', option: 'host', setting: 'host', schema: hostSchema },
  { key: 'port', flag: '--port', option: 'port', setting: 'port', schema: portSchema },
  { key: 'starttls', flag: '--starttls/--no-starttls', option: 'starttls', setting: 'starttls', schema: booleanSchema('starttls') },
  { key: 'timeZone', flag: '--time-zone', option: 'timeZone', setting: 'timeZone', schema: timeZoneSchema },
  { key: 'auth', flag: '--auth/--no-auth', option: 'auth', setting: 'auth', schema: booleanSchema('auth') },
  { key: 'username', flag: '--username', option: 'username', setting: 'username', schema: usernameSchema },
  {
    key: 'allowSendToAllUsers',
    flag: '--allow-all-users/--no-allow-all-users',
    option: 'allowAllUsers',
    setting: 'allowSendToAllUsers',
    schema: booleanSchema('allowSendToAllUsers'),
  },
  {
    key: 'connectionTimeout',
    flag: '--connection-timeout',
    option: 'connectionTimeout',
    setting: 'connectionTimeoutMs',
    schema: connectionTimeoutSecondsSchema,
    toSetting: (seconds: number) => seconds * 1000,
    fromSetting: (ms: number) => Math.round(ms / 1000),
  },
];

export const ANSWER_KEYS = ANSWER_FIELDS.map((field) => field.key);

/** How to answer a setting without the question: its flag and answers-file key (the password: its sources). */
export function howToAnswer(setting: keyof MailSettings): string {
  const field = ANSWER_FIELDS.find((candidate) => candidate.setting === setting);
  return `give ${field ? `${field.flag} (answers file: "${field.key}")` : PASSWORD_SOURCES}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Each key, and its flag's name ("allowAllUsers" for --allow-all-users), leads to the key. */
const KEY_ALIASES: readonly (readonly [alias: string, key: string])[] = ANSWER_FIELDS.flatMap((field) => [
  [field.key.toLowerCase(), field.key] as const,
  [field.option.toLowerCase(), field.key] as const,
]);

/** The known key nearest to an unknown one ("hostname" → "host", "allow-all-users" → "allowSendToAllUsers"), if any is close. */
export function nearestKey(unknown: string): string | undefined {
  const lower = unknown.toLowerCase().replace(/[-_]/g, '');
  let best: { key: string; score: number } | undefined;
  for (const [alias, key] of KEY_ALIASES) {
    // One word inside the other ("mailhost", "tls") is close, unless it is just a letter or two.
    const contained = Math.min(lower.length, alias.length) >= 3 && (lower.includes(alias) || alias.includes(lower));
    const score = contained ? 1 : editDistance(lower, alias);
    if (!best || score < best.score) best = { key, score };
  }
  return best && best.score <= Math.max(2, Math.floor(unknown.length / 3)) ? best.key : undefined;
}

export interface PresetAnswers {
  settings: Partial<MailSettings>;
  problems: string[];
  /** Settings whose given value was invalid: reported among `problems`, so not missing as well. */
  rejected: (keyof MailSettings)[];
}

/** `flags`: the answers given as flags; `file`: the parsed answers file (or undefined) and its name for messages. */
export function presetAnswers(flags: AnswerFlags, file?: { name: string; content: unknown }): PresetAnswers {
  const settings: Partial<MailSettings> = {};
  const problems: string[] = [];
  const rejected: (keyof MailSettings)[] = [];
  let fromFile: Record<string, unknown> = {};
  if (file) {
    if (typeof file.content !== 'object' || file.content === null || Array.isArray(file.content)) {
      problems.push(`${file.name}: the answers file must hold one JSON object, such as {"host": "mail.example.com"}`);
    } else {
      fromFile = file.content as Record<string, unknown>;
      for (const key of Object.keys(fromFile)) {
        if (ANSWER_KEYS.includes(key)) continue;
        if (key === 'password') {
          problems.push(`${file.name}: password does not belong in an answers file; give it with ${PASSWORD_SOURCES}`);
          continue;
        }
        const nearest = nearestKey(key);
        problems.push(`${file.name}: unknown key "${key}"${nearest ? `; did you mean "${nearest}"?` : `; known keys: ${ANSWER_KEYS.join(', ')}`}`);
      }
    }
  }
  for (const field of ANSWER_FIELDS) {
    const flagValue = flags[field.option];
    const fileValue = fromFile[field.key];
    const [value, source] =
      flagValue !== undefined ? [flagValue, field.flag] : fileValue !== undefined ? [fileValue, `${file!.name}: ${field.key}`] : [undefined, ''];
    if (value === undefined) continue;
    const result = check(field.schema, value);
    if (!result.ok) {
      problems.push(`${source}: ${result.message}`);
      rejected.push(field.setting);
      continue;
    }
    Object.assign(settings, { [field.setting]: field.toSetting ? field.toSetting(result.value as never) : result.value });
  }
  return { settings, problems, rejected };
}

/** The answers file a run can be replayed from; never the password. */
export function answersFileContent(settings: MailSettings): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const field of ANSWER_FIELDS) {
    if (field.key === 'username' && !settings.auth) continue;
    if (field.key === 'starttls' && settings.protocol !== 'smtp') continue;
    const value = settings[field.setting];
    content[field.key] = field.fromSetting ? field.fromSetting(value as never) : value;
  }
  return content;
}
