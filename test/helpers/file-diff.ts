/**
 * The change list a reconfiguration shows, checked against a diff of the file itself: every key
 * (installer.properties) or attribute (installer.xml) whose value differs between the file before
 * and after must have its row, no row may name a key that did not change, and nothing but those
 * keys may differ. The files are read here with a small parser of its own, not the wizard's.
 */
import assert from 'node:assert/strict';

export interface ChangeRow {
  label: string;
  from: string;
  to: string;
}

/** The rows of the last "Changes to FILE" block in the output; [] for "(no changes)". */
export function changeRows(output: string, file: string): ChangeRow[] {
  const heading = `Changes to ${file}\n`;
  const at = output.lastIndexOf(heading);
  assert.ok(at >= 0, `no "${heading.trim()}" in the output:\n${output}`);
  const rows: ChangeRow[] = [];
  for (const line of output.slice(at + heading.length).split('\n')) {
    if (line === '' || line === '  (no changes)') break;
    const match = /^ {2}(\S.*?) {2,}(.*) → (.*)$/.exec(line);
    assert.ok(match, `not a change row: ${JSON.stringify(line)}`);
    rows.push({ label: match[1]!, from: match[2]!, to: match[3]! });
  }
  return rows;
}

interface Parsed {
  /** Each managed key's value as written (escapes kept); the last occurrence wins. */
  values: Map<string, string>;
  /** The text with every property line (or the two managed start tags) cut out, for "nothing else changed". */
  rest: (changed: Set<string>) => string;
}

/** Logical lines of a .properties text: a line ending in an odd number of backslashes continues. */
function parseProperties(text: string): Parsed {
  const physical = text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
  const entries: { raw: string; key?: string; value?: string }[] = [];
  for (let index = 0; index < physical.length; index++) {
    let raw = physical[index]!;
    const first = raw.trimStart();
    if (first.trim() === '' || first.startsWith('#') || first.startsWith('!')) {
      entries.push({ raw });
      continue;
    }
    while (/(?:^|[^\\])(?:\\\\)*\\(?:\r\n|\r|\n)$/.test(raw) && index + 1 < physical.length) raw += physical[++index]!;
    const logical = raw.trimStart();
    const key = /^(?:\\.|[^\\=:\s])+/.exec(logical)![0];
    const value = logical
      .slice(key.length)
      .replace(/^[ \t\f]*[=:]?[ \t\f]*/, '')
      .replace(/(?:\r\n|\r|\n)$/, '');
    entries.push({ raw, key, value });
  }
  const values = new Map(entries.flatMap((entry) => (entry.key === undefined ? [] : [[entry.key, entry.value!] as const])));
  return {
    values,
    rest: (changed) =>
      entries
        .filter((entry) => entry.key === undefined || !changed.has(entry.key))
        // A last line without a line end gains one when a key is added after it.
        .map((entry) => entry.raw.replace(/(?<![\r\n])$/, '\n'))
        .join(''),
  };
}

const OUTBOUND_ATTRIBUTES: Record<string, string> = { defaultTZ: 'notify.timezone', allowSendToAllUsers: 'mail.allowSendToAllUsers' };

/** The attributes of the first Outbound start tag and the first Resource after it; an empty attribute counts as absent. */
function parseXml(text: string): Parsed {
  const outbound = /<Outbound\b[^>]*>/.exec(text);
  const resource = outbound && /<Resource\b[^>]*>/.exec(text.slice(outbound.index));
  const tags = [outbound, resource];
  const values = new Map<string, string>();
  tags.forEach((tag, index) => {
    assert.ok(tag, `no <${index === 0 ? 'Outbound' : 'Resource'}> start tag in\n${text}`);
    for (const [, name, double, single] of tag[0].matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const key = index === 0 ? (OUTBOUND_ATTRIBUTES[name!] ?? `Outbound ${name}`) : name!;
      const value = double ?? single!;
      if (value !== '') values.set(key, value);
    }
  });
  const at = outbound!.index;
  return {
    values,
    rest: () =>
      text.slice(0, at) +
      text
        .slice(at)
        .replace(/<Outbound\b[^>]*>/, '<Outbound>')
        .replace(/<Resource\b[^>]*>/, '<Resource>'),
  };
}

const SHARED_LABELS: Record<string, string> = {
  'mail.transport.protocol': 'Protocol',
  'notify.timezone': 'Time zone',
  'mail.allowSendToAllUsers': 'Allow sending to All Users',
};
const PROTOCOL_LABELS: Record<string, string> = {
  host: 'Mail host',
  port: 'Port',
  auth: 'Authentication',
  user: 'User name',
  password: 'Password',
  connectiontimeout: 'Connection timeout',
  'starttls.enable': 'STARTTLS',
};

/** The row a changed key must have: its answer's label (after a protocol switch with the protocol), or the key itself. */
function labelOf(key: string, switched: boolean): string {
  if (SHARED_LABELS[key]) return SHARED_LABELS[key];
  const [, protocol, name] = /^mail\.(smtps?)\.(.+)$/.exec(key) ?? [];
  // The JavaMail keys that follow from the answers name themselves, and so their protocol.
  if (name === 'starttls.required') return `STARTTLS required (${key})`;
  if (name === 'ssl.checkserveridentity') return `Server name check (${key})`;
  const label = name === undefined ? undefined : PROTOCOL_LABELS[name];
  if (label === undefined) return key;
  return switched ? `${protocol!.toUpperCase()} ${label === 'STARTTLS' ? label : label[0]!.toLowerCase() + label.slice(1)}` : label;
}

function protocolOf(values: Map<string, string>): string {
  return values.get('mail.transport.protocol') ?? (values.has('mail.smtps.host') && !values.has('mail.smtp.host') ? 'smtps' : 'smtp');
}

export interface DiffOptions {
  /** `after` is a preview with every password masked: password keys are left out on both sides. */
  masked?: boolean;
}

/**
 * Assert that the change list in `output` (the last one shown for `file`) is exactly the diff of
 * the file from `before` to `after`. Returns the rows, for exact assertions on top.
 */
export function assertChangesMatchDiff(output: string, file: string, before: string, after: string, options: DiffOptions = {}): ChangeRow[] {
  const rows = changeRows(output, file);
  const parse = file.endsWith('.xml') ? parseXml : parseProperties;
  const [old, now] = [parse(before), parse(after)];
  const keys = new Set([...old.values.keys(), ...now.values.keys()]);
  const changed = new Set([...keys].filter((key) => old.values.get(key) !== now.values.get(key)));
  assert.equal(old.rest(changed), now.rest(changed), 'the file changed outside the managed keys that changed');
  const switched = protocolOf(old.values) !== protocolOf(now.values);
  const isPassword = (label: string) => /(?:^|\s)[Pp]assword$/.test(label);
  const expected = [...changed].map((key) => labelOf(key, switched)).filter((label) => !(options.masked && isPassword(label)));
  const shown = rows.map((row) => row.label).filter((label) => !(options.masked && isPassword(label)));
  assert.deepEqual(
    [...shown].sort(),
    [...expected].sort(),
    `the change list does not match the file's diff:\n${JSON.stringify(rows, null, 1)}\nchanged keys: ${[...changed].join(', ')}`,
  );
  for (const row of rows) assert.notEqual(row.from, row.to, `a row that changes nothing: ${JSON.stringify(row)}`);
  return rows;
}
