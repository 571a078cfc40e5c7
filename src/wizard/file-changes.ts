/**
 * The change list of a reconfiguration, read off the file itself: one row for every managed key
 * (an installer.properties line, an installer.xml attribute) whose value differs between the file
 * as it is and the file as it would be written. So the list names every value that changes —
 * including keys of the chosen protocol that the file did not hold yet — and nothing else.
 */
import { JAVAMAIL_SAFETY_LABELS, type JavaMailSafety } from '../settings/javamail-safety.ts';
import { ALL_USERS_KEY, managedKeys, PROTOCOL_KEY, SENDER_KEY, TIME_ZONE_KEY } from '../settings/managed-settings.ts';
import type { SettingsFormat } from '../settings/settings-format.ts';
import { isUsernameSecret, maskPassword, MASKED_PASSWORD, type MailSettings } from '../settings/settings.ts';
import { labelInSentence, labelOf, QUESTIONS } from './questions/index.ts';
import { displayValue, type SettingChange } from './summary-sheet.ts';

/** The setting a protocol's key `mail.<protocol>.<name>` stores, by its name. */
const PROTOCOL_KEY_SETTINGS: Record<string, keyof MailSettings> = {
  host: 'host',
  port: 'port',
  auth: 'auth',
  user: 'username',
  password: 'password',
  connectiontimeout: 'connectionTimeoutMs',
  timeout: 'readTimeoutMs',
  localhost: 'ehloName',
  'starttls.enable': 'starttls',
};

const SHARED_KEY_SETTINGS: Record<string, keyof MailSettings> = {
  [PROTOCOL_KEY]: 'protocol',
  [TIME_ZONE_KEY]: 'timeZone',
  [ALL_USERS_KEY]: 'allowSendToAllUsers',
  [SENDER_KEY]: 'sender',
};

/** The JavaMail keys that follow from the answers (javamail-safety.ts), by their name. */
const SAFETY_KEYS: Record<string, keyof JavaMailSafety> = {
  'starttls.required': 'starttlsRequired',
  'ssl.checkserveridentity': 'checkServerIdentity',
};

/** What a managed key stores: an answer, a JavaMail key that follows from the answers, or neither (sendpartial). */
function settingOf(key: string): { setting?: keyof MailSettings; safety?: keyof JavaMailSafety; perProtocol: boolean } {
  const shared = SHARED_KEY_SETTINGS[key];
  if (shared) return { setting: shared, perProtocol: false };
  const name = /^mail\.smtps?\.(.+)$/.exec(key)?.[1] ?? '';
  return { setting: PROTOCOL_KEY_SETTINGS[name], safety: SAFETY_KEYS[name], perProtocol: true };
}

/** A JavaMail key's stored text as yes/no, as the summary sheet shows booleans. */
function yesNo(raw: string | undefined): string {
  if (raw === undefined) return '(not set)';
  const value = raw.trim().toLowerCase();
  return value === 'true' ? 'yes' : value === 'false' ? 'no' : raw;
}

/** A stored text as its setting's value, shown as the summary sheet shows it. */
function shown(setting: keyof MailSettings | undefined, raw: string | undefined): string {
  if (raw === undefined) return '(not set)';
  switch (setting) {
    case undefined:
      return raw;
    case 'port':
    case 'connectionTimeoutMs':
    case 'readTimeoutMs':
      return /^\d+$/.test(raw.trim()) ? displayValue(setting, Number(raw)) : raw;
    case 'auth':
    case 'starttls':
    case 'allowSendToAllUsers':
      return displayValue(setting, raw.toLowerCase() === 'true');
    default:
      return displayValue(setting, raw);
  }
}

/**
 * The rows, in the summary sheet's order (keys that are no answer, such as sendpartial, last and
 * named by their key). After a protocol switch, each protocol key's row names its protocol
 * ("SMTPS mail host"): its old value is that protocol's, not the other one's.
 */
export function fileChanges(
  format: SettingsFormat,
  file: string,
  before: Buffer | undefined,
  after: Buffer,
  settings: MailSettings,
  switched: boolean,
): SettingChange[] {
  const old = before === undefined ? () => undefined : format.lookup(before, file);
  const now = format.lookup(after, file);
  const other = settings.protocol === 'smtp' ? 'smtps' : 'smtp';
  // Both protocols' keys: the other protocol's must not change, and if one did, the list would say so.
  const keys = new Set([...managedKeys(settings), ...managedKeys({ ...settings, protocol: other })].map(([key]) => key));
  const order: string[] = QUESTIONS.map((question) => question.id);
  const rows = [...keys].flatMap((key): (SettingChange & { rank: number })[] => {
    const from = old(key);
    const to = now(key);
    if (from === to) return [];
    const { setting, safety, perProtocol } = settingOf(key);
    const protocol = key.startsWith('mail.smtps.') ? 'smtps' : 'smtp';
    if (safety) {
      // After the answers, before the keys that are no answer; the label names the key and so its protocol.
      const label = JAVAMAIL_SAFETY_LABELS[safety]({ protocol });
      return [{ key, label, from: yesNo(from), to: yesNo(to), rank: order.length - 1 + (Object.values(SAFETY_KEYS).indexOf(safety) + 1) / 3 }];
    }
    const label = setting === undefined ? key : switched && perProtocol ? `${protocol.toUpperCase()} ${labelInSentence(setting)}` : labelOf(setting);
    let [fromText, toText] = [shown(setting, from), shown(setting, to)];
    if (setting === 'password') {
      fromText = from === undefined ? fromText : maskPassword(from);
      toText = to === undefined ? toText : from ? 'a new password' : MASKED_PASSWORD;
    } else if (setting === 'username' && (isUsernameSecret(from, old(`mail.${protocol}.password`)) || isUsernameSecret(to, now(`mail.${protocol}.password`)))) {
      // A user name that is the password too (Postmark's server token) is shown as the password is.
      if (isUsernameSecret(from, old(`mail.${protocol}.password`))) fromText = maskPassword(from!);
      if (isUsernameSecret(to, now(`mail.${protocol}.password`))) toText = from ? 'a new token' : MASKED_PASSWORD;
    } else if (fromText === toText) {
      // The same meaning in other bytes ("TRUE" → "true"): show the bytes.
      [fromText, toText] = [from ?? fromText, to ?? toText];
    }
    const rank = setting === undefined ? order.length : order.indexOf(setting);
    return [{ ...(setting ? { setting } : {}), key, label, from: fromText, to: toText, rank }];
  });
  return rows.sort((a, b) => a.rank - b.rank).map(({ rank: _rank, ...change }) => change);
}
