/**
 * What one question of the wizard is, in one place: the setting it answers, its label, how it is
 * answered in advance (flags, the answers file), its schema, its default, when it applies, which
 * answers depend on it, and its prompt. Each question is one file in this folder made with
 * `defineQuestion`; index.ts puts them in the installer's order. The command line's options, the
 * answers file, the summary sheet's labels, the change list and the dependents are all derived
 * from these definitions.
 */
import type * as z from 'zod';
import type { Output } from '../../output.ts';
import type { Prompter } from '../prompter.ts';
import type { MailService } from '../../settings/mail-services.ts';
import type { MailSettings, Protocol } from '../../settings/settings.ts';

/** A question answers one setting; the id is the setting's name. */
export type QuestionId = keyof MailSettings;

/** What a question may use: the answers so far, the stored values (when reconfiguring), its capabilities. */
export interface StepContext {
  draft: Partial<MailSettings>;
  /** The existing file's values when reconfiguring; empty for a new configuration. */
  stored: Partial<MailSettings>;
  /** When reconfiguring: the stored values each protocol's questions offer (its own keys); see storedByProtocol. */
  storedByProtocol?: Record<Protocol, Partial<MailSettings>>;
  prompt: Prompter;
  out: Output;
  now: () => Date;
  /**
   * An answer the file does not store: the mail service chosen ("Where does the mail go?", --service),
   * whose preset answers the draft's first questions; undefined for the site's own mail server.
   */
  service?: MailService;
}

/** A flag as --help shows it: '--port <port>', or '--starttls'; and its help text. */
export interface Flag {
  flag: string;
  help: string;
}

/** A value given without the question: one flag that takes it, or a yes/no pair ('--auth', '--no-auth'). */
export interface GivenInAdvance<V> {
  flags: readonly [Flag] | readonly [Flag, Flag];
  /** Its key in an --answers file, and in the file --write-answers saves. */
  answersKey: string;
  /** The flag's or the answers file's value as the setting; every message names the field and the fix. */
  schema: z.ZodType<V>;
  /** The setting as the answers file holds it (connection timeout: seconds); the setting itself when absent. */
  toAnswer?(value: V): unknown;
}

/** A secret is never a flag's value nor in the answers file (process lists, shared files): these give it instead. */
export interface SecretSources {
  /** Flags that name where to read it ('--password-file <path>'). */
  flags: readonly Flag[];
  /** The environment variable that may hold it. */
  env: string;
}

/**
 * When the question is put to the administrator:
 * - 'always': in the normal flow, unless answered in advance;
 * - 'on-change': only through "Change one answer" (otherwise its flag, the file or its default);
 * - 'never': no prompt; answered by its flag, the stored file or its default.
 */
export type Asked = 'always' | 'on-change' | 'never';

interface Common<K extends QuestionId> {
  id: K;
  /** How the setting is named to a person: the summary sheet, the change list, "missing …" messages. */
  label: string;
  /** Unattended, and for questions not asked: the answer when none is given. */
  defaultValue(draft: Partial<MailSettings>, stored: Partial<MailSettings>): MailSettings[K] | undefined;
  /** Whether the question applies to the answers so far (absent: always). An answer that no longer applies is dropped. */
  applies?(draft: Partial<MailSettings>): boolean;
  /** For a question asked 'always': whether the answers so far call for it (absent: always); else its default. */
  askedIf?(draft: Partial<MailSettings>): boolean;
  /** Answers asked again, with fresh defaults, when this one changes on a second visit (587 is no SMTPS port). */
  dependents?: readonly QuestionId[];
  /** An optional setting ('' when unset): the summary sheet shows its row only when it is set. */
  optional?: boolean;
  /** The value as the summary sheet and the change list show it (absent: yes/no for a flag, else as it is). */
  display?(value: MailSettings[K]): string;
  /** How it is given without the question; a secret names its sources instead. */
  given?: GivenInAdvance<MailSettings[K]>;
  secret?: SecretSources;
}

interface AskedQuestion<K extends QuestionId> extends Common<K> {
  asked?: 'always' | 'on-change';
  /** The prompt: `defaultValue` is the current answer on a second visit, else `defaultValue(…)`. */
  ask(ctx: StepContext, defaultValue: MailSettings[K] | undefined): Promise<MailSettings[K]>;
}

interface UnaskedQuestion<K extends QuestionId> extends Common<K> {
  asked: 'never';
}

/** One question's definition, as written in its file. */
export type QuestionDefinition<K extends QuestionId> = AskedQuestion<K> | UnaskedQuestion<K>;

/** One question of the wizard, its definition completed. */
export interface Question<K extends QuestionId = QuestionId> extends Common<K> {
  asked: Asked;
  applies(draft: Partial<MailSettings>): boolean;
  askedIf(draft: Partial<MailSettings>): boolean;
  dependents: readonly QuestionId[];
  ask?(ctx: StepContext, defaultValue: MailSettings[K] | undefined): Promise<MailSettings[K]>;
}

export function defineQuestion<K extends QuestionId>(definition: QuestionDefinition<K>): Question<K> {
  return {
    ...definition,
    asked: definition.asked ?? 'always',
    applies: definition.applies ?? (() => true),
    askedIf: definition.askedIf ?? (() => true),
    dependents: definition.dependents ?? [],
  };
}
