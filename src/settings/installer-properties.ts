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
import { SettingsFileError } from '../errors.ts';
import { managedKeys, readManagedSettings, type KeyPlan, type StoredSettings, type StoredValue } from './managed-settings.ts';
import type { MailSettings, Protocol } from './settings.ts';
import { namesASecret } from './secret-names.ts';

export { managedKeys, type StoredSettings } from './managed-settings.ts';

const HEADER = [
  '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).',
  '# Written by teaming-mail-setup; lines it does not manage are kept as they are.',
];

/**
 * Java refuses the whole file on a malformed \\uXXXX escape (IllegalArgumentException), and so does
 * the parser: name the line it starts on. The line is found by parsing ever longer prefixes that
 * end on a complete logical line (one not continued by an odd number of trailing backslashes).
 */
function parse(text: string, file = 'settings file'): Properties {
  try {
    return new Properties(text);
  } catch (error) {
    const lines = text.split(/\r\n|\r|\n/);
    let start = 0;
    for (let end = 1; end <= lines.length; end++) {
      if (end < lines.length && continues(lines[end - 1]!)) continue;
      try {
        new Properties(lines.slice(0, end).join('\n'));
      } catch {
        // Comment lines ending in a backslash do not continue: the property is the first other line.
        while (start < end - 1 && /^[ \t\f]*[#!]/.test(lines[start]!)) start++;
        throw new SettingsFileError(
          file,
          `${(error as Error).message}: Java cannot load this file (write \\uXXXX with four hex digits, or \\\\ for a backslash)`,
          start + 1,
        );
      }
      start = end;
    }
    throw new SettingsFileError(file, (error as Error).message);
  }
}

/** A physical line ending in an odd number of backslashes continues on the next one. */
function continues(line: string): boolean {
  return /(?:^|[^\\])(?:\\\\)*\\$/.test(line);
}

/** The value Java reads for each key (the last occurrence), with its line. */
export function propertiesLookup(text: string, file: string): (key: string) => StoredValue | undefined {
  const properties = parse(text, file);
  return (key) => {
    const node = properties.getEffectiveProperty(key);
    return node && { value: node.value, name: key, line: node.startingLineNumber };
  };
}

/** `as`: that protocol's stored settings, whatever the file's protocol (see readManagedSettings). */
export function readInstallerProperties(text: string, file: string, as?: Protocol): StoredSettings {
  return readManagedSettings(propertiesLookup(text, file), file, 'fix or remove this line, then run again', as);
}

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
  // What Java reads: the last occurrence of each key wins.
  const current = new Map(doc.flatMap((segment) => (segment.key === undefined ? [] : [[segment.key, segment.value ?? ''] as const])));
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
      // Earlier occurrences are dead for Java (last wins) but may hold an old password: drop them.
      for (const index of positions.slice(0, -1).reverse()) doc.splice(index, 1);
      return;
    }
    doc.splice(insertionIndex(doc, plan, planIndex), 0, { raw: propertyLine(key, value, eol), key });
  });

  // A segment that gained a successor must end its line; a property left open by a backslash at
  // the end of the file would swallow the next line, so it is closed by a blank line (as at EOF).
  for (let index = 0; index < doc.length - 1; index++) {
    const segment = doc[index]!;
    let raw = /[\r\n]$/.test(segment.raw) ? segment.raw : segment.raw + eol;
    if (segment.key !== undefined && continues(raw.replace(/(?:\r\n|\r|\n)$/, ''))) raw += eol;
    if (raw !== segment.raw) doc[index] = { ...segment, raw };
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
 * For a preview: the value of every key that names a secret (`mail.smtp.password`,
 * `ldap.credentials`, `jdbc.pwd`: secret-names.ts), managed or not, replaced by `placeholder`; an
 * empty one stays empty.
 */
export function maskSecrets(text: string, placeholder: string): string {
  return segments(text)
    .map((segment) =>
      // The placeholder is shown, never loaded: as it reads (••••••), not escaped as \u2022.
      segment.key !== undefined && namesASecret(segment.key) && segment.value !== ''
        ? `${escapeKey(segment.key, true)}=${placeholder}${endingOf(segment)}`
        : segment.raw,
    )
    .join('');
}
