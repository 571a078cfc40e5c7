/** The "Basic Teaming Installation Summary Sheet" for outbound e-mail, and what a reconfiguration changes. */
import type { ChalkInstance } from 'chalk';
import { maskPassword, PLAINTEXT_WARNING, sendsPasswordInClear, SETTING_LABELS, type MailSettings } from '../settings/settings.ts';

type SheetValue = string | number | boolean | undefined;

export function displayValue(key: keyof MailSettings, value: SheetValue): string {
  if (value === undefined) return '(not set)';
  switch (key) {
    case 'password':
      return maskPassword(String(value));
    case 'protocol':
      return String(value).toUpperCase();
    case 'connectionTimeoutMs':
      return `${Number(value) / 1000} s`;
    case 'username':
      return value === '' ? '(none)' : String(value);
    default:
      return typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  }
}

/** The settings that apply, in the installer's order (STARTTLS only for SMTP, the account only with authentication). */
export function sheetRows(settings: Partial<MailSettings>): [keyof MailSettings, string][] {
  const keys = (Object.keys(SETTING_LABELS) as (keyof MailSettings)[]).filter((key) => {
    if (key === 'starttls') return settings.protocol !== 'smtps';
    if (key === 'username' || key === 'password') return settings.auth === true;
    return true;
  });
  return keys.map((key) => [key, displayValue(key, settings[key])]);
}

export function summarySheet(settings: Partial<MailSettings>, style: ChalkInstance, title = 'Outbound e-mail'): string[] {
  const rows = sheetRows(settings);
  const width = Math.max(...rows.map(([key]) => SETTING_LABELS[key].length));
  const lines = [style.bold(title), ...rows.map(([key, value]) => `  ${SETTING_LABELS[key].padEnd(width)}  ${value}`)];
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
  return (Object.keys(SETTING_LABELS) as (keyof MailSettings)[])
    .filter((key) => shown.has(key) && before[key] !== after[key])
    .map((key) => ({
      setting: key,
      label: SETTING_LABELS[key],
      from: displayValue(key, before[key]),
      to: key === 'password' && before.password ? 'a new password' : displayValue(key, after[key]),
    }));
}

export function changeLines(changes: SettingChange[], style: ChalkInstance): string[] {
  if (changes.length === 0) return ['  (no changes)'];
  const width = Math.max(...changes.map((change) => change.label.length));
  return changes.map((change) => `  ${change.label.padEnd(width)}  ${style.red(change.from)} → ${style.green(change.to)}`);
}
