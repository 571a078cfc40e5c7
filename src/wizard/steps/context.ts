import type { Output } from '../../output.ts';
import type { Prompter } from '../prompter.ts';
import type { MailSettings, Protocol } from '../../settings/settings.ts';

export type QuestionId = Exclude<keyof MailSettings, 'connectionTimeoutMs'>;

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
}

/** One question of the wizard. `defaultValue` is also the unattended answer when no flag gives one. */
export interface Question<K extends QuestionId = QuestionId> {
  id: K;
  applies(draft: Partial<MailSettings>): boolean;
  defaultValue(draft: Partial<MailSettings>, stored: Partial<MailSettings>): MailSettings[K] | undefined;
  ask(ctx: StepContext, defaultValue: MailSettings[K] | undefined): Promise<MailSettings[K]>;
}
