/**
 * Answers given in advance: flags and the --answers JSON file, validated by the same schemas as
 * the prompts. Flags override the file. Every problem is collected, so all are reported at once.
 */
import { Option } from 'commander';
import leven from 'leven';
import { check } from '../settings/schemas.ts';
import { isUsernameSecret, type MailSettings } from '../settings/settings.ts';
import type { CommandLineWords } from '../wizard/command-line-words.ts';
import { QUESTION, QUESTIONS, type GivenInAdvance, type QuestionId } from '../wizard/questions/index.ts';
import { passwordSources } from '../wizard/questions/password.ts';

/** The password is never a flag's value (it would show in the process list); these give it instead. */
export const PASSWORD_ENV = passwordSources.env;
const PASSWORD_SOURCES = `${passwordSources.flags.map(({ flag }) => flagWord(flag)).join(', ')} or ${PASSWORD_ENV}`;

/** Why `--password VALUE` is refused (the value is never repeated), and the ways that are taken. */
export const PASSWORD_FLAG_REFUSAL = `a password on the command line shows in the process list and the shell history, so there is no --password option: give it with ${PASSWORD_SOURCES}`;

/** '--port <port>' → '--port'. */
function flagWord(flag: string): string {
  return flag.split(' ')[0]!;
}

/** The answers given as flags, as typed (text, or on/off), by commander's option attribute (`allowAllUsers` for --allow-all-users); checked in presetAnswers. */
export type AnswerFlags = Readonly<Record<string, string | boolean | undefined>>;

/** A question that can be answered in advance, with its command-line names. */
interface AnswerField {
  id: QuestionId;
  given: GivenInAdvance<MailSettings[QuestionId]>;
  /** The commander option attribute holding the flag's value. */
  attribute: string;
  /** How messages name the flag: '--port', '--starttls/--no-starttls'. */
  flags: string;
}

/** Derived from the question definitions (wizard/questions/), in their order. */
export const ANSWER_FIELDS: readonly AnswerField[] = QUESTIONS.flatMap(({ id, given }) =>
  given ? [{ id, given, attribute: new Option(given.flags[0].flag).attributeName(), flags: given.flags.map(({ flag }) => flagWord(flag)).join('/') }] : [],
);

export const ANSWER_KEYS = ANSWER_FIELDS.map((field) => field.given.answersKey);

/** How to answer a setting without the question: its flag and answers-file key (the password: its sources). */
export function howToAnswer(setting: QuestionId): string {
  const field = ANSWER_FIELDS.find((candidate) => candidate.id === setting);
  return `give ${field ? `${field.flags} (answers file: "${field.given.answersKey}")` : PASSWORD_SOURCES}`;
}

/** The command line's words in the wizard's messages (the wizard names no flag itself). */
export const COMMAND_LINE_WORDS: CommandLineWords = {
  howToAnswer,
  keepOrReplace: 'add --reconfigure to change them, or --force to replace them',
  reconfigure: (path) => `teaming-mail-setup --reconfigure -f ${path}`,
  force: '--force',
  writeAnyway: 'use --no-probe or --force to write anyway',
};

/** Each key, and its flag's name ("allowAllUsers" for --allow-all-users), leads to the key. */
const KEY_ALIASES: readonly (readonly [alias: string, key: string])[] = ANSWER_FIELDS.flatMap(({ given: { answersKey }, attribute }) => [
  [answersKey.toLowerCase(), answersKey] as const,
  [attribute.toLowerCase(), answersKey] as const,
]);

/** The known key nearest to an unknown one ("hostname" → "host", "allow-all-users" → "allowSendToAllUsers"), if any is close. */
export function nearestKey(unknown: string): string | undefined {
  const lower = unknown.toLowerCase().replace(/[-_]/g, '');
  let best: { key: string; score: number } | undefined;
  for (const [alias, key] of KEY_ALIASES) {
    // One word inside the other ("mailhost", "tls") is close, unless it is just a letter or two.
    const contained = Math.min(lower.length, alias.length) >= 3 && (lower.includes(alias) || alias.includes(lower));
    const score = contained ? 1 : leven(lower, alias);
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
  for (const { id, given, attribute, flags: flagWords } of ANSWER_FIELDS) {
    const flagValue = flags[attribute];
    const fileValue = fromFile[given.answersKey];
    const [value, source] =
      flagValue !== undefined ? [flagValue, flagWords] : fileValue !== undefined ? [fileValue, `${file!.name}: ${given.answersKey}`] : [undefined, ''];
    if (value === undefined) continue;
    const result = check(given.schema, value);
    if (!result.ok) {
      problems.push(`${source}: ${result.message}`);
      rejected.push(id);
      continue;
    }
    Object.assign(settings, { [id]: result.value });
  }
  return { settings, problems, rejected };
}

/** The answers file a run can be replayed from; never the password. */
export function answersFileContent(settings: MailSettings): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const { id, given } of ANSWER_FIELDS) {
    // What does not apply (the user name without authentication, STARTTLS with SMTPS) is not an answer.
    if (!QUESTION[id].applies(settings)) continue;
    // A user name that is the password too (Postmark's server token) is a secret.
    if (id === 'username' && isUsernameSecret(settings.username, settings.password)) continue;
    // Nor is an optional setting left unset (the answers file's schema would refuse the empty value).
    if (QUESTION[id].optional && !settings[id]) continue;
    content[given.answersKey] = given.toAnswer ? given.toAnswer(settings[id]) : settings[id];
  }
  return content;
}
