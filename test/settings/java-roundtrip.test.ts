/**
 * What Java reads is the truth: files written by the wizard are loaded by the real
 * java.util.Properties (test/java/LoadProperties.java), both as ISO-8859-1 and as UTF-8, in one
 * JVM run for all cases. Needs `java` (17+) on the PATH.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Properties } from 'properties-file/parser';
import { SettingsFileError } from '../../src/errors.ts';
import { managedKeys, readInstallerProperties } from '../../src/settings/installer-properties.ts';
import { check, passwordSchema, usernameSchema } from '../../src/settings/schemas.ts';
import { propertiesFormat } from '../../src/settings/settings-format.ts';
import type { MailSettings } from '../../src/settings/settings.ts';
import { seed, trickyText } from '../helpers/arbitraries.ts';
import { javaLoad, type JavaLoad, type JavaMap } from '../helpers/java.ts';

const RUNS = 200;

const settingsArbitrary: fc.Arbitrary<MailSettings> = fc
  .record({
    protocol: fc.constantFrom('smtp' as const, 'smtps' as const),
    host: fc.constantFrom('mail.example.com', '192.0.2.10', '2001:db8::25', 'smtp'),
    port: fc.integer({ min: 1, max: 65535 }),
    starttls: fc.boolean(),
    timeZone: fc.constantFrom('America/Los_Angeles', 'Europe/Berlin', 'UTC', 'America/Indiana/Indianapolis'),
    auth: fc.boolean(),
    username: trickyText(),
    password: trickyText(),
    allowSendToAllUsers: fc.boolean(),
    connectionTimeoutMs: fc.integer({ min: 1000, max: 600000 }),
  })
  .map((settings) => {
    // Only what the schemas accept reaches the file.
    const username = check(usernameSchema, settings.username);
    const password = check(passwordSchema, settings.password);
    return {
      ...settings,
      starttls: settings.protocol === 'smtp' && settings.starttls,
      username: settings.auth ? (username.ok ? username.value : 'user@example.com') : '',
      password: settings.auth && password.ok ? password.value : '',
    };
  });

const MANAGED = [
  ...new Set(
    (['smtp', 'smtps'] as const).flatMap((protocol) =>
      managedKeys({
        protocol,
        host: '',
        port: 1,
        starttls: false,
        timeZone: '',
        auth: true,
        username: 'u',
        password: 'p',
        allowSendToAllUsers: true,
        connectionTimeoutMs: 1,
      }).map(([key]) => key),
    ),
  ),
];

/** An administrator's file, as Latin-1 text: comments, blank lines, escapes, continuations, duplicates, odd separators. */
function existingFileArbitrary(): fc.Arbitrary<string> {
  const eol = fc.constantFrom('\n', '\r\n', '\r');
  const space = fc.constantFrom('', ' ', '\t', '\f', '   ');
  const latin1 = fc
    .integer({ min: 0x20, max: 0xff })
    .filter((code) => code !== 0x5c)
    .map((code) => String.fromCharCode(code));
  const piece = (lineEnd: string) =>
    fc.oneof(
      { weight: 6, arbitrary: latin1 },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '\\\\',
          '\\=',
          '\\:',
          '\\ ',
          '\\t',
          '\\n',
          '\\u00e9',
          '\\u20AC',
          '\\ud83d\\ude00',
          '\\#',
          '\\!',
          '\\x',
          '=',
          ':',
          ' ',
          '#',
          '!',
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom(`\\${lineEnd}`, `\\${lineEnd}   `, `\\${lineEnd}\t#`, '\\', '\\u12') },
    );
  const text = (lineEnd: string) => fc.array(piece(lineEnd), { maxLength: 12 }).map((pieces) => pieces.join(''));
  // A key starts with a visible character (see continuesNothing).
  const firstKeyCharacter = latin1.filter((character) => character !== ' ');
  const key = (lineEnd: string) =>
    fc.oneof(
      fc.constantFrom(...MANAGED, 'mail.smtp\\.host', 'mail.smtp.u\\ser', 'site.name'),
      fc.tuple(firstKeyCharacter, text(lineEnd)).map(([first, rest]) => first + rest),
    );
  const line = (lineEnd: string) =>
    fc.oneof(
      fc.tuple(space, fc.constantFrom('#', '!'), text(lineEnd)).map(([s, mark, body]) => s + mark + body.replace(/[\r\n]/g, '')),
      space,
      fc.tuple(space, key(lineEnd), fc.constantFrom('=', ':', ' ', ' = ', '\t:', '  ', ''), text(lineEnd)).map((parts) => parts.join('')),
    );
  return eol
    .chain((lineEnd) => fc.tuple(fc.array(line(lineEnd), { maxLength: 12 }), fc.boolean()).map(([lines, last]) => lines.join(lineEnd) + (last ? lineEnd : '')))
    .filter((text) => !continuesNothing(text));
}

/**
 * Java 9+ reads a continuation that follows nothing (a line holding only "\\", which escapes can
 * also produce) as the start of a new logical line, where "#" makes a comment; Java 8 and the
 * parser join the lines. Files with such a line are left out.
 */
function continuesNothing(text: string): boolean {
  let content: number | undefined; // characters of the logical line so far; undefined between lines
  for (const line of text.split(/\r\n|\r|\n/)) {
    const body = line.replace(/^[ \t\f]*/, '');
    if (content === undefined && (body === '' || /^[#!]/.test(body))) continue;
    const continued = /(?:^|[^\\])(?:\\\\)*\\$/.test(body);
    content = (content ?? 0) + body.length - (continued ? 1 : 0);
    if (continued && content === 0) return true;
    if (!continued) content = undefined;
  }
  return false;
}

function isError(map: JavaMap): map is { error: string } {
  return typeof map.error === 'string' && Object.keys(map).length === 1;
}

function map(value: JavaMap): Record<string, string> {
  assert.ok(!isError(value), `Java could not load the file: ${JSON.stringify(value)}`);
  return value as Record<string, string>;
}

/** What Java must read from the written file: the old keys, managed keys set or removed. */
function expectedMap(before: Record<string, string>, settings: MailSettings): Record<string, string> {
  const expected = { ...before };
  for (const [key, value] of managedKeys(settings)) {
    if (value === undefined) delete expected[key];
    else if (value !== null) expected[key] = value;
  }
  return expected;
}

const runSeed = seed();
const newCases = fc.sample(settingsArbitrary, { numRuns: RUNS, seed: runSeed });
const updateCases = fc.sample(fc.tuple(existingFileArbitrary(), settingsArbitrary), { numRuns: RUNS, seed: runSeed + 1 });
let folder: string;
let loads: Map<string, JavaLoad>;
const newFiles: string[] = [];
const inputs: string[] = [];
/** undefined where the wizard refused to update the file. */
const outputs: (string | undefined)[] = [];

// Every file of both tests goes to one JVM run.
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'java-roundtrip-'));
  for (const [index, settings] of newCases.entries()) {
    newFiles.push(join(folder, `new-${index}.properties`));
    await writeFile(newFiles[index]!, propertiesFormat.write(undefined, settings, newFiles[index]!));
  }
  for (const [index, [text, settings]] of updateCases.entries()) {
    inputs.push(join(folder, `in-${index}.properties`));
    await writeFile(inputs[index]!, Buffer.from(text, 'latin1'));
    let bytes: Buffer | undefined;
    try {
      bytes = propertiesFormat.write(Buffer.from(text, 'latin1'), settings, 'f');
    } catch (error) {
      // Files Java refuses are not updated (the wizard stops at reading them); checked below.
      assert.ok(error instanceof SettingsFileError, String(error));
    }
    outputs.push(bytes && join(folder, `out-${index}.properties`));
    if (bytes) await writeFile(outputs[index]!, bytes);
  }
  const written = outputs.filter((file): file is string => file !== undefined);
  loads = new Map((await javaLoad([...newFiles, ...inputs, ...written])).map((load) => [load.file, load]));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('Java reads back exactly what was written', () => {
  it(`${RUNS} new files with arbitrary passwords and user names: same values, no extra key, both encodings`, () => {
    newCases.forEach((settings, index) => {
      const load = loads.get(newFiles[index]!)!;
      const context = `seed ${runSeed}, case ${index}: ${JSON.stringify(settings)}`;
      const expected = expectedMap({}, settings);
      assert.deepEqual(map(load.stream), expected, context);
      assert.deepEqual(map(load.reader), expected, context);
      const { username, password, ...always } = settings;
      assert.deepEqual(
        readInstallerProperties(propertiesFormat.write(undefined, settings, 'f').toString('latin1'), 'f').settings,
        {
          ...always,
          ...(settings.auth ? { username } : {}),
          ...(password === '' ? {} : { password }),
        },
        context,
      );
    });
  });

  it(`${RUNS} administrators' files: the parser agrees with Java, and an update changes only the managed keys`, () => {
    let refused = 0;
    updateCases.forEach(([text, settings], index) => {
      const context = `seed ${runSeed + 1}, case ${index}: ${JSON.stringify(text)} ${JSON.stringify(settings)}`;
      const input = loads.get(inputs[index]!)!;
      if (isError(input.stream)) {
        refused++;
        assert.equal(outputs[index], undefined, `Java refuses the file but the wizard wrote it; ${context}`);
        assert.throws(() => readInstallerProperties(text, 'f'), SettingsFileError, context);
        return;
      }
      let parsed: Record<string, string> | undefined;
      assert.doesNotThrow(() => (parsed = new Properties(text).toObject()), `parser refuses what Java loads; ${context}`);
      assert.deepEqual(parsed, input.stream, `parser differs from Java; ${context}`);
      const output = loads.get(outputs[index]!);
      assert.ok(output, `not written; ${context}`);
      assert.deepEqual(map(output.stream), expectedMap(input.stream, settings), context);
      // Managed lines are ASCII: a UTF-8 reader sees the same managed values.
      const reader = map(output.reader);
      for (const [key, value] of managedKeys(settings)) {
        if (value !== null) assert.equal(reader[key], value ?? undefined, `${key} as UTF-8; ${context}`);
      }
    });
    assert.ok(refused < RUNS / 2, `too many unloadable files (${refused}): the generator tests little`);
  });
});

describe('readInstallerProperties on arbitrary content', () => {
  it('returns or throws a SettingsFileError, nothing else', () => {
    const latin1Text = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1'));
    fc.assert(
      fc.property(fc.oneof(trickyText(60), existingFileArbitrary(), latin1Text), (text) => {
        try {
          readInstallerProperties(text, 'f');
        } catch (error) {
          if (!(error instanceof SettingsFileError)) throw error;
          assert.match(error.message, /^f(:\d+)?: /);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
