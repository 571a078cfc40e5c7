/** The "Basic Teaming Installation Summary Sheet" for outbound e-mail, and what a reconfiguration changes. */
import type { ChalkInstance } from 'chalk';
import { isUsernameSecret, maskPassword, PLAINTEXT_WARNING, sendsPasswordInClear, type MailSettings } from '../settings/settings.ts';
import { labelOf, QUESTION, QUESTIONS, type QuestionId } from './questions/index.ts';

/** A value as its question shows it (absent: "(not set)"; a yes/no question: yes or no). */
export function displayValue<K extends QuestionId>(key: K, value: MailSettings[K] | undefined): string {
  if (value === undefined) return '(not set)';
  const { display } = QUESTION[key];
  if (display) return display(value);
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
}

/**
 * The settings that apply, in the installer's order (STARTTLS only for SMTP, the account only with
 * authentication; an optional setting only when set).
 */
export function sheetRows(settings: Partial<MailSettings>): [QuestionId, string][] {
  return QUESTIONS.filter((question) => question.applies(settings) && !(question.optional && !settings[question.id])).map(({ id }) => [
    id,
    shownSetting(id, settings),
  ]);
}

/** A setting as every list shows it (the summary sheet, the change list, "Which answer?"): a user name that is the password too is masked. */
export function shownSetting(id: QuestionId, settings: Partial<MailSettings>): string {
  return id === 'username' && isUsernameSecret(settings.username, settings.password) ? maskPassword(settings.password!) : displayValue(id, settings[id]);
}

/** A user name that is the password as well (Postmark's server token) is as secret as the password. */
const SERVICE_LABEL = 'Mail service';

/** `service`: the mail service the host belongs to (mail-services.ts), named on its own row. */
export function summarySheet(settings: Partial<MailSettings>, style: ChalkInstance, title = 'Outbound e-mail', service?: string): string[] {
  const rows = sheetRows(settings);
  const width = Math.max(...rows.map(([key]) => labelOf(key).length), service ? SERVICE_LABEL.length : 0);
  const lines = [
    style.bold(title),
    ...(service ? [`  ${SERVICE_LABEL.padEnd(width)}  ${service}`] : []),
    ...rows.map(([key, value]) => `  ${labelOf(key).padEnd(width)}  ${value}`),
  ];
  if (sendsPasswordInClear(settings)) lines.push(style.yellow(`  Warning: ${PLAINTEXT_WARNING}`));
  return lines;
}

export interface SettingChange {
  /** The answer that changes; absent for a key that is no answer (mail.smtp.sendpartial). */
  setting?: keyof MailSettings;
  /** The key (installer.properties) or attribute (installer.xml) whose value changes, when reconfiguring. */
  key?: string;
  label: string;
  from: string;
  to: string;
}

/** What differs between the stored settings and the new ones, password masked. */
export function settingChanges(before: Partial<MailSettings>, after: MailSettings): SettingChange[] {
  const shown = new Set(sheetRows(after).map(([key]) => key));
  return QUESTIONS.map(({ id }) => id)
    .filter((key) => shown.has(key) && before[key] !== after[key])
    .map((key) => ({
      setting: key,
      label: labelOf(key),
      from: shownSetting(key, before),
      to: key === 'password' && before.password ? 'a new password' : shownSetting(key, after),
    }));
}

export function changeLines(changes: SettingChange[], style: ChalkInstance): string[] {
  if (changes.length === 0) return ['  (no changes)'];
  const width = Math.max(...changes.map((change) => change.label.length));
  return changes.map((change) => `  ${change.label.padEnd(width)}  ${style.red(change.from)} → ${style.green(change.to)}`);
}
