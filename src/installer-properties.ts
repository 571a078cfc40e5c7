/**
 * installer.properties ⇄ settings. Pure: text in, text out.
 *
 * The text is the file's bytes read as ISO-8859-1 (as Java's Properties.load(InputStream) reads
 * them), so every line the wizard does not manage is written back byte for byte. Managed values
 * are escaped by properties-file with \uXXXX for anything outside printable ASCII, so the file
 * loads the same whether Java opens it as ISO-8859-1 or UTF-8.
 */
import { escapeKey, escapeValue } from 'properties-file/escape';
import { Properties } from 'properties-file/parser';
import type { PropertyNode } from 'properties-file/parser';
import type { z } from 'zod';
import { SettingsFileError } from './errors.ts';
import {
  booleanSchema,
  check,
  connectionTimeoutMsSchema,
  hostSchema,
  passwordSchema,
  portSchema,
  protocolSchema,
  timeZoneSchema,
} from './schemas.ts';
import type { MailSettings, Protocol } from './settings.ts';

/** What a settings file holds: the outbound settings it has (possibly none), for defaults. */
export interface StoredSettings {
  /** True when the file already holds outbound e-mail settings. */
  hasOutbound: boolean;
  settings: Partial<MailSettings>;
}

/** Each managed key with its value; `undefined` removes the key, `null` leaves it as it is. */
type KeyPlan = [key: string, value: string | undefined | null];

export function managedKeys(settings: MailSettings): KeyPlan[] {
  const p = settings.protocol;
  return [
    ['mail.transport.protocol', p],
    [`mail.${p}.host`, settings.host],
    [`mail.${p}.port`, String(settings.port)],
    [`mail.${p}.auth`, String(settings.auth)],
    [`mail.${p}.user`, settings.auth ? settings.username : undefined],
    [`mail.${p}.password`, settings.auth && settings.password !== '' ? settings.password : undefined],
    [`mail.${p}.sendpartial`, 'true'],
    [`mail.${p}.connectiontimeout`, String(settings.connectionTimeoutMs)],
    // STARTTLS belongs to the smtp protocol; with smtps the line stays as the administrator left it.
    ['mail.smtp.starttls.enable', p === 'smtp' ? String(settings.starttls) : null],
    ['notify.timezone', settings.timeZone],
    ['mail.allowSendToAllUsers', String(settings.allowSendToAllUsers)],
  ];
}

const HEADER = [
  '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).',
  '# Written by teaming-mail-setup; lines it does not manage are kept as they are.',
];

function parse(text: string): Properties {
  return new Properties(text);
}

function effective(properties: Properties, key: string): PropertyNode | undefined {
  return properties.getEffectiveProperty(key);
}

export function readInstallerProperties(text: string, file: string): StoredSettings {
  const properties = parse(text);
  const read = <T>(key: string, schema: z.ZodType<T>): T | undefined => {
    const node = effective(properties, key);
    if (node === undefined) return undefined;
    const result = check(schema, node.value);
    if (!result.ok) {
      throw new SettingsFileError(file, `${key}: ${result.message} (fix or remove this line, then run again)`, node.startingLineNumber);
    }
    return result.value;
  };

  const hasSmtps = effective(properties, 'mail.smtps.host') !== undefined;
  const hasSmtp = effective(properties, 'mail.smtp.host') !== undefined;
  const protocol: Protocol | undefined = read('mail.transport.protocol', protocolSchema) ?? (hasSmtps && !hasSmtp ? 'smtps' : hasSmtp ? 'smtp' : undefined);
  if (protocol === undefined) return { hasOutbound: false, settings: {} };

  const p = protocol;
  const settings: Partial<MailSettings> = { protocol };
  const assign = <K extends keyof MailSettings>(field: K, value: MailSettings[K] | undefined) => {
    if (value !== undefined) settings[field] = value;
  };
  assign('host', read(`mail.${p}.host`, hostSchema));
  assign('port', read(`mail.${p}.port`, portSchema));
  assign('auth', read(`mail.${p}.auth`, booleanSchema(`mail.${p}.auth`)));
  assign('username', read(`mail.${p}.user`, anyStoredText));
  assign('password', read(`mail.${p}.password`, passwordSchema));
  assign('connectionTimeoutMs', read(`mail.${p}.connectiontimeout`, connectionTimeoutMsSchema));
  assign('starttls', p === 'smtp' ? read('mail.smtp.starttls.enable', booleanSchema('mail.smtp.starttls.enable')) : false);
  assign('timeZone', read('notify.timezone', timeZoneSchema));
  assign('allowSendToAllUsers', read('mail.allowSendToAllUsers', booleanSchema('mail.allowSendToAllUsers')));
  if (settings.auth === undefined && settings.username) settings.auth = true;
  return { hasOutbound: true, settings };
}

/** The stored user name is checked when it is used; here it only has to be text (it may be empty). */
const anyStoredText = passwordSchema;

interface Segment {
  raw: string;
  key?: string;
  value?: string;
}

function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** The file as a list of segments: one per property (continuation lines included), one per other line. */
function segments(text: string): Segment[] {
  const lines = splitLines(text);
  const byStart = new Map<number, PropertyNode>();
  for (const node of parse(text).getProperties()) byStart.set(node.startingLineNumber, node);
  const result: Segment[] = [];
  for (let index = 0; index < lines.length; ) {
    const node = byStart.get(index + 1);
    const end = node ? node.endingLineNumber : index + 1;
    result.push({ raw: lines.slice(index, end).join(''), key: node?.key, value: node?.value });
    index = end;
  }
  return result;
}

function lineEnding(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
}

/** How a segment's last line ends ('' at the end of a file without a final line break). */
function endingOf(segment: Segment): string {
  return /(\r\n|\r|\n)$/.exec(segment.raw)?.[1] ?? '';
}

function propertyLine(key: string, value: string, eol: string): string {
  return `${escapeKey(key, true)}=${escapeValue(value, true)}${eol}`;
}

/**
 * The file's new text: managed keys set, removed or left alone; everything else as it was.
 * `existing` undefined means a new file.
 */
export function writeInstallerProperties(existing: string | undefined, settings: MailSettings): string {
  const eol = existing === undefined ? '\n' : lineEnding(existing);
  const doc: Segment[] = existing === undefined ? HEADER.map((line) => ({ raw: line + eol })) : segments(existing);
  const current = existing === undefined ? new Map<string, string>() : new Map(Object.entries(parse(existing).toObject()));
  const plan = managedKeys(settings);

  plan.forEach(([key, value], planIndex) => {
    if (value === null) return;
    const positions = doc.flatMap((segment, index) => (segment.key === key ? [index] : []));
    if (value === undefined) {
      for (const index of positions.reverse()) doc.splice(index, 1);
      return;
    }
    if (current.get(key) === value && positions.length > 0) return;
    const last = positions.at(-1);
    if (last !== undefined) {
      doc[last] = { raw: propertyLine(key, value, endingOf(doc[last]!)), key };
      return;
    }
    doc.splice(insertionIndex(doc, plan, planIndex), 0, { raw: propertyLine(key, value, eol), key });
  });

  // A segment that gained a successor must end its line.
  for (let index = 0; index < doc.length - 1; index++) {
    const segment = doc[index]!;
    if (!/[\r\n]$/.test(segment.raw)) doc[index] = { ...segment, raw: segment.raw + eol };
  }
  return doc.map((segment) => segment.raw).join('');
}

/** After the nearest managed key that precedes this one in the plan; else before the nearest that follows; else at the end. */
function insertionIndex(doc: Segment[], plan: KeyPlan[], planIndex: number): number {
  const lastIndexOf = (key: string) => doc.findLastIndex((segment) => segment.key === key);
  for (let before = planIndex - 1; before >= 0; before--) {
    const index = lastIndexOf(plan[before]![0]);
    if (index >= 0) return index + 1;
  }
  for (let after = planIndex + 1; after < plan.length; after++) {
    const index = doc.findIndex((segment) => segment.key === plan[after]![0]);
    if (index >= 0) return index;
  }
  return doc.length;
}

/**
 * For a preview: the value of every key ending in ".password" (whichever protocol's, and keys the
 * wizard does not manage) replaced by `placeholder`; an empty one stays empty.
 */
export function maskPasswords(text: string, placeholder: string): string {
  return segments(text)
    .map((segment) =>
      segment.key?.endsWith('.password') && segment.value !== '' ? propertyLine(segment.key, placeholder, endingOf(segment)) : segment.raw,
    )
    .join('');
}
