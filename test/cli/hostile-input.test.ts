/**
 * Hostile input at the command line of the built command: random flag values and random answers
 * files, run unattended with --dry-run --json. Each run is refused with exit 2 and a message naming
 * what was wrong, or succeeds with a file holding exactly one line per managed key: never an
 * injected key, never an internal error.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ANSWER_KEYS } from '../../src/cli/answers.ts';
import { seed, trickyText } from '../helpers/arbitraries.ts';
import { inBatches, runCli, type CliResult } from '../helpers/cli.ts';

const RUNS = 16;
const INJECTIONS = [
  'x\nmail.smtp.host=evil',
  'x\r\nmail.smtp.host=evil',
  'x\u2028mail.smtp.host=evil',
  'a=b',
  'a:b',
  'a\\',
  '\\u000a',
  'mail.example.com\n',
  ' UTC',
  '25\n26',
  '1e3',
  '0x19',
  '-1',
  '015',
  '٢٥',
];

/** Command-line arguments cannot hold NUL; everything else may reach the command. */
const argument = (text: fc.Arbitrary<string>) => text.map((value) => value.replaceAll('\u0000', ''));

const value = (valid: string) =>
  argument(
    fc.oneof(
      { weight: 3, arbitrary: trickyText() },
      { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 200, maxLength: 3000 }) },
      { weight: 1, arbitrary: fc.tuple(trickyText(4), trickyText(4)).map(([before, after]) => `${before}${valid}${after}`) },
      { weight: 1, arbitrary: fc.constant(valid) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom('', ' ', '  '), fc.constantFrom('', ' ', '\u00a0')).map(([before, after]) => `${before}${valid}${after}`),
      },
    ),
  );

/** The flags under test, each with a valid value to fall back on when not fuzzed. */
const FLAGS = {
  '--host': 'mail.example.com',
  '--port': '587',
  '--time-zone': 'Europe/Berlin',
  '--username': 'teaming@example.com',
  '--connection-timeout': '30',
} as const;
type Flag = keyof typeof FLAGS;

/** Every managed key of an SMTP configuration with authentication and no password, in the order written. */
const MANAGED_KEYS = [
  'mail.transport.protocol',
  'mail.smtp.host',
  'mail.smtp.port',
  'mail.smtp.auth',
  'mail.smtp.user',
  'mail.smtp.sendpartial',
  'mail.smtp.connectiontimeout',
  'mail.smtp.ssl.checkserveridentity',
  'mail.smtp.starttls.enable',
  'mail.smtp.starttls.required',
  'notify.timezone',
  'mail.allowSendToAllUsers',
];

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'teaming-mail-hostile-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

function describeRun(args: string[], result: CliResult, seedValue: number): string {
  return `seed ${seedValue} (FC_SEED to replay), args ${JSON.stringify(args)}: exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

/** The error lines of a refused run: each one a `✖ ` line on stderr. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('✖ '));
}

describe('hostile input at the command line', () => {
  test(`${RUNS} runs with random --host, --port, --time-zone, --username and --connection-timeout: exit 2 naming the flag, or one line per managed key`, async () => {
    const seedValue = seed();
    const flags = Object.keys(FLAGS) as Flag[];
    const oneFlag = fc.constantFrom(...flags).chain((flag) => value(FLAGS[flag]).map((fuzzed) => ({ [flag]: fuzzed }) as Partial<Record<Flag, string>>));
    const allFlags = fc.record(Object.fromEntries(flags.map((flag) => [flag, value(FLAGS[flag])])) as Record<Flag, fc.Arbitrary<string>>);
    // Mostly one hostile flag among valid ones (so that the value itself decides), sometimes all at once.
    const samples = [
      // Always: an injection attempt in each flag, and a user name that must be escaped.
      ...flags.map((flag) => ({ [flag]: `${FLAGS[flag]}\nmail.smtp.host=evil` })),
      { '--username': 'é=b: c\\d☃!#' },
      ...fc.sample(fc.oneof({ weight: 3, arbitrary: oneFlag }, { weight: 1, arbitrary: allFlags }), { numRuns: RUNS, seed: seedValue }),
    ];
    let accepted = 0;
    await inBatches(samples, async (sample, index) => {
      const fuzzed = flags.filter((flag) => sample[flag] !== undefined);
      // --flag=value: a value starting with "-" is still the flag's value.
      const args = [
        ...['--non-interactive', '--no-probe', '--dry-run', '--json', '--auth', '--no-starttls', '-f', `run-${index}.properties`],
        ...flags.map((flag) => `${flag}=${sample[flag] ?? FLAGS[flag]}`),
      ];
      const result = await runCli(args, { cwd: folder });
      const context = describeRun(args, result, seedValue);
      assert.ok(result.code === 0 || result.code === 2, context);
      const document = JSON.parse(result.stdout) as { result: string; preview?: string; errors?: string[] };
      if (result.code === 2) {
        const lines = errorLines(result.stderr);
        assert.ok(lines.length > 0, context);
        for (const line of lines)
          assert.ok(
            fuzzed.some((flag) => line.startsWith(`✖ ${flag}: `)),
            `a message that names no fuzzed flag: ${line}\n${context}`,
          );
        assert.equal(document.result, 'error', context);
        return;
      }
      accepted++;
      assert.equal(document.result, 'dry-run', context);
      const lines = document.preview!.split('\n');
      assert.equal(lines.at(-1), '', context);
      const properties = lines.slice(0, -1).filter((line) => !line.startsWith('#'));
      assert.deepEqual(
        properties.map((line) => MANAGED_KEYS.find((key) => line.startsWith(`${key}=`))),
        MANAGED_KEYS,
        `not exactly one line per managed key:\n${document.preview}\n${context}`,
      );
      // Everything is escaped to printable ASCII, so Java reads it whichever way it opens the file.
      assert.match(document.preview!, /^[\n\x20-\x7e]*$/, context);
    });
    // Nothing was written by a dry run.
    assert.deepEqual(await readdir(folder), []);
    assert.ok(accepted > 0 && accepted < samples.length, `both outcomes are exercised (${accepted} of ${samples.length} accepted; seed ${seedValue})`);
  });

  test(`${RUNS} random answers files (any JSON, arrays, nulls, nesting, huge numbers, broken JSON): exit 0 or 2 with a clear message, never an internal error`, async () => {
    const seedValue = seed();
    const known = fc.constantFrom(...ANSWER_KEYS, 'password', '__proto__', 'constructor', 'hostname');
    const jsonValue = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(1e308, -0, 2 ** 53 + 1, 25.5, 65536, 0, '25', 'yes', 'true', 'UTC', 'mail.example.com', ''),
    );
    const text = fc.oneof(
      { weight: 4, arbitrary: fc.dictionary(fc.oneof(known, fc.string()), jsonValue, { maxKeys: 8 }).map((content) => JSON.stringify(content)) },
      { weight: 1, arbitrary: jsonValue.map((content) => JSON.stringify(content) ?? 'null') },
      { weight: 1, arbitrary: trickyText() },
    );
    const samples = [
      // Always: the shapes most likely to slip past a check.
      ...['1e400', '{"port": 1e400}', '{"port": 1e999, "host": "a.example"}', '[{"host": "a.example"}]', '{"host": {"host": "a.example"}}'],
      ...['{"__proto__": {"host": "a.example"}}', '{"host": ["a.example"], "timeZone": null}', 'null', '"', '{', '\ufeff{}', ''],
      '{"host": "a.example", "timeZone": "UTC", "auth": false}',
      ...fc.sample(text, { numRuns: RUNS, seed: seedValue }),
    ];
    const files = await mkdtemp(join(tmpdir(), 'teaming-mail-hostile-answers-'));
    const outcomes = new Map<number | null, number>();
    try {
      await inBatches(samples, async (content, index) => {
        const answers = join(files, `answers-${index}.json`);
        await writeFile(answers, content);
        const args = ['--non-interactive', '--no-probe', '--dry-run', '--answers', answers, '-f', `run-${index}.properties`];
        const result = await runCli(args, { cwd: folder });
        const context = `${describeRun(args, result, seedValue)}\nanswers file: ${JSON.stringify(content)}`;
        outcomes.set(result.code, (outcomes.get(result.code) ?? 0) + 1);
        assert.ok(result.code === 0 || result.code === 2, context);
        if (result.code === 2) {
          const lines = errorLines(result.stderr);
          assert.ok(lines.length > 0, context);
          for (const line of lines) {
            assert.ok(
              line.startsWith(`✖ ${answers}`) || line.startsWith('✖ --answers: ') || line.startsWith('✖ missing '),
              `an unclear message: ${line}\n${context}`,
            );
          }
        }
      });
    } finally {
      await rm(files, { recursive: true, force: true });
    }
    assert.deepEqual(await readdir(folder), []);
    assert.ok((outcomes.get(2) ?? 0) > 0 && (outcomes.get(0) ?? 0) > 0, `both outcomes are exercised: ${JSON.stringify([...outcomes])}`);
  });

  test('usage errors of every command exit 2 naming the option, never 1; an unwritable --write-answers exits 4 and says what was written; a BOM in an answers file is fine', async () => {
    const usage: [args: string[], names: string][] = [
      [['--probe-timeout', 'abc'], '--probe-timeout: probe timeout must be a whole number of seconds from 1 to 300'],
      [['check', '--probe-timeout', '1x'], '--probe-timeout: probe timeout must be a whole number of seconds from 1 to 300'],
      [['check', '--bogus'], "unknown option '--bogus'"],
      [['show', '--bogus'], "unknown option '--bogus'"],
      [['demo', 'extra'], "too many arguments for 'demo'"],
      [['--bogus'], "unknown option '--bogus'"],
    ];
    await inBatches(usage, async ([args, names]) => {
      const result = await runCli(args, { cwd: folder });
      assert.equal(result.code, 2, `${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
      assert.ok(result.stderr.includes(names), `${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
    const unattended = ['--non-interactive', '--no-probe', '--host', 'mail.example.com', '--time-zone', 'UTC', '--no-auth', '-f', 'written.properties'];
    const result = await runCli([...unattended, '--write-answers', 'missing/answers.json'], { cwd: folder });
    assert.equal(result.code, 4, result.stderr);
    assert.equal(
      result.stderr,
      '✖ --write-answers: cannot write missing/answers.json: it is in a folder that does not exist (missing); written.properties was written\n',
    );
    await rm(join(folder, 'written.properties'));

    // An answers file saved with a byte-order mark is read like any other.
    const answers = join(folder, 'bom.json');
    await writeFile(answers, '\ufeff{"host": "mail.example.com", "timeZone": "UTC", "auth": false}');
    const bom = await runCli(['--non-interactive', '--no-probe', '--dry-run', '--answers', answers], { cwd: folder });
    await rm(answers);
    assert.equal(bom.code, 0, bom.stderr);
    assert.match(bom.stdout, /^mail\.smtp\.host=mail\.example\.com$/m);
  });
});
