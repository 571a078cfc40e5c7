/** --help, colour on and off, and `show`, through the built command. */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildProgram } from '../../src/cli/program.ts';
import { EXIT } from '../../src/errors.ts';
import { assertRefused, ESCAPED_PASSWORD, PASSWORD, run, UNATTENDED } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/files.ts';

const ESC = '\u001b';

/** Options that answer with a value but have no default: the host and the account must be given, files are optional. */
const NO_DEFAULT = new Set([
  '--host',
  '--username',
  '--password-file',
  '--answers',
  '--write-answers',
  '--test-recipient',
  '--ca-file',
  '--accept-certificate',
]);

/** The help text of each option: from its flags to the next option or heading. */
function helpEntries(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  const blocks = help.split(/\n(?=  -|\S)/);
  for (const block of blocks) {
    const flags = /^ {2}(-[^\s,]+(?:, --\S+)?(?: <[^>]+>)?)/.exec(block)?.[1];
    if (flags) entries.set(flags, block.replace(/\s+/g, ' '));
  }
  return entries;
}

/** The headings of the help, in order, with the options listed under each. */
function helpGroups(help: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  let heading = '';
  for (const line of help.split('\n')) {
    if (/^\S.*:$/.test(line)) groups.set((heading = line), []);
    const flags = /^ {2}(-[^\s,]+(?:, --\S+)?(?: <[^>]+>)?)/.exec(line)?.[1];
    if (flags) groups.get(heading)?.push(flags);
  }
  return groups;
}

describe('--help', { concurrency: true }, () => {
  const program = buildProgram(async () => {});

  test('lists every option commander knows, in its group, with its default', async () => {
    const cwd = await tempFolder();
    const result = await run(['--help'], { cwd });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    const entries = helpEntries(result.stdout);
    const groups = helpGroups(result.stdout);
    assert.deepEqual(
      [...groups.keys()].filter((heading) => heading.endsWith(':')),
      ['Options:', 'Answers (each skips its question):', 'Mail server check:', 'Output and safety:', 'Commands:', 'Examples:', 'Exit codes:'],
    );
    for (const option of program.options) {
      const entry = entries.get(option.flags);
      assert.ok(entry, `--help does not list ${option.flags}`);
      assert.ok(entry.includes(option.description), `${option.flags}: ${entry}`);
      const heading = (option as { helpGroupHeading?: string }).helpGroupHeading ?? 'Options:';
      assert.ok(groups.get(heading)?.includes(option.flags), `${option.flags} is not under ${heading}`);
      if (option.required && !NO_DEFAULT.has(option.long!)) {
        assert.match(entry, /\(default: [^)]+\)/, `${option.flags} does not show its default`);
      }
    }
    // Of each --x / --no-x pair, one says which is the default.
    for (const pair of ['starttls', 'auth', 'allow-all-users']) {
      const both = `${entries.get(`--${pair}`)} ${entries.get(`--no-${pair}`)}`;
      assert.match(both, /\(default/, `neither --${pair} nor --no-${pair} shows the default`);
    }
  });

  test('lists every option of every command', async () => {
    const cwd = await tempFolder();
    const results = await Promise.all(program.commands.map((command) => run([command.name(), '--help'], { cwd })));
    program.commands.forEach((command, index) => {
      const result = results[index]!;
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.startsWith(`Usage: teaming-mail-setup ${command.name()} [options]\n`), result.stdout);
      const entries = helpEntries(result.stdout);
      for (const option of command.options) assert.ok(entries.has(option.flags), `${command.name()} --help does not list ${option.flags}`);
    });
  });

  test('ends with examples and every exit code', async () => {
    const cwd = await tempFolder();
    const result = await run(['-h'], { cwd });
    assert.ok(
      result.stdout.endsWith(
        '\nExamples:\n' +
          '  $ teaming-mail-setup\n' +
          '      ask every question, check the mail server, write ./installer.properties\n' +
          '  $ teaming-mail-setup --reconfigure -f /opt/teaming/installer.xml\n' +
          '      change an existing installation; current values are the defaults\n' +
          '  $ TEAMING_MAIL_PASSWORD=… teaming-mail-setup --non-interactive --host mail.example.com \\\n' +
          '      --port 587 --auth --username teaming@example.com --time-zone America/Chicago\n' +
          '      unattended: every missing or invalid answer is listed at once\n' +
          '\n' +
          'Exit codes:\n' +
          '  0 done   1 internal error   2 usage, invalid answers or unreadable file\n' +
          '  3 mail server check failed, nothing written   4 file could not be written   130 cancelled\n\n',
      ),
      result.stdout,
    );
    const exitCodes = result.stdout.slice(result.stdout.indexOf('Exit codes:'));
    for (const code of Object.values(EXIT)) assert.match(exitCodes, new RegExp(`(^|\\s)${code} [a-z]`), `exit code ${code} is not explained`);
  });

  test('--version prints the version; an unknown command is a usage error that names the commands', async () => {
    const cwd = await tempFolder();
    const [version, unknown] = await Promise.all([run(['--version'], { cwd }), run(['shwo'], { cwd })]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assertRefused(unknown, "error: unknown command 'shwo' (the commands are check, show, demo)\n");
  });
});

const README = new URL('../../README.md', import.meta.url);

describe('the README', () => {
  test('documents exactly the exit codes the command uses, and every option', async () => {
    const readme = await readFile(README, 'utf8');
    const section = /^## Exit codes\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
    const documented = [...section.matchAll(/^\| (\d+) \| \S.*\|$/gm)].map((match) => Number(match[1]));
    assert.deepEqual(documented, Object.values(EXIT), section);
    for (const option of buildProgram(async () => {}).options.filter((option) => option.long !== '--version')) {
      assert.match(readme, new RegExp(`${option.long}(?![\\w-])`), `the README does not mention ${option.long}`);
    }
  });
});

describe("usage errors of a command exit 2, like the wizard's", { concurrency: true }, () => {
  test('show with an unknown option or an argument; check with a probe timeout that is not a number', async () => {
    const cwd = await tempFolder();
    const [option, argument, timeout] = await Promise.all([
      run(['show', '--bogus'], { cwd }),
      run(['show', 'installer.properties'], { cwd }),
      run(['check', '--probe-timeout', 'soon'], { cwd }),
    ]);
    assertRefused(option, "error: unknown option '--bogus'\n");
    assertRefused(argument, "error: too many arguments for 'show'. Expected 0 arguments but got 1.\n");
    assertRefused(timeout, '✖ --probe-timeout: probe timeout must be a whole number of seconds from 1 to 300\n');
  });
});

describe('colour only on a terminal, never with NO_COLOR', { concurrency: true }, () => {
  async function runs(env: Record<string, string>) {
    const cwd = await tempFolder();
    return Promise.all([
      run([...UNATTENDED, '--host', 'mail.example.com', '--dry-run'], { cwd, env }),
      run([...UNATTENDED, '--auth'], { cwd, env }),
      run(['show', '-f', 'missing.properties'], { cwd, env }),
    ]);
  }

  test('output to a pipe is plain', async () => {
    for (const result of await runs({})) {
      assert.ok(!result.stdout.includes(ESC) && !result.stderr.includes(ESC), `${result.stdout}${result.stderr}`);
      assert.ok(result.stdout.length + result.stderr.length > 0, 'no output at all');
    }
  });

  test('FORCE_COLOR=1 colours messages and errors', async () => {
    const [written, missing, show] = await runs({ FORCE_COLOR: '1' });
    assert.ok(written.stdout.includes(`${ESC}[1mOutbound e-mail${ESC}[22m`), written.stdout);
    assert.ok(missing.stderr.includes(`${ESC}[31m✖ missing mail host`), missing.stderr);
    assert.ok(show.stderr.includes(ESC), show.stderr);
  });

  test('NO_COLOR wins over FORCE_COLOR', async () => {
    for (const result of await runs({ FORCE_COLOR: '1', NO_COLOR: '1' })) {
      assert.ok(!result.stdout.includes(ESC) && !result.stderr.includes(ESC), `${result.stdout}${result.stderr}`);
    }
  });
});

describe('show [-f FILE]', { concurrency: true }, () => {
  async function configured(): Promise<string> {
    const cwd = await tempFolder();
    await mkdir(join(cwd, 'conf'));
    const args = [...UNATTENDED, '-f', 'conf/installer.properties', '--host', 'mail.example.com', '--port', '587', '--auth', '--username', 'teaming'];
    const result = await run(args, { cwd, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
    assert.equal(result.code, 0, result.stderr);
    return cwd;
  }

  test('prints the summary sheet, password masked', async () => {
    const cwd = await configured();
    const result = await run(['show', '-f', 'conf/installer.properties'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(
      result.stdout,
      'Outbound e-mail in conf/installer.properties\n' +
        '  Protocol                    SMTP\n' +
        '  Mail host                   mail.example.com\n' +
        '  Port                        587\n' +
        '  STARTTLS                    yes\n' +
        '  Time zone                   America/Chicago\n' +
        '  Authentication              yes\n' +
        '  User name                   teaming\n' +
        '  Password                    ••••••\n' +
        '  Allow sending to All Users  yes\n' +
        '  Connection timeout          15 s\n',
    );
  });

  test('--json prints the settings as one document, password masked', async () => {
    const cwd = await configured();
    const result = await run(['show', '--file', 'conf/installer.properties', '--json'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      file: 'conf/installer.properties',
      passwordUnencrypted: false,
      settings: {
        protocol: 'smtp',
        host: 'mail.example.com',
        port: 587,
        auth: true,
        username: 'teaming',
        password: '••••••',
        connectionTimeoutMs: 15000,
        starttls: true,
        timeZone: 'America/Chicago',
        allowSendToAllUsers: true,
      },
    });
    assert.ok(!`${result.stdout}${result.stderr}`.includes(ESCAPED_PASSWORD) && !result.stdout.includes('Zq7'), 'the password leaked');
  });

  test('a missing file, a file without outbound settings, an invalid file: exit 2 with the reason', async () => {
    const cwd = await tempFolder();
    await writeFile(join(cwd, 'other.properties'), 'kablink.site.name=Acme\n');
    await writeFile(join(cwd, 'bad.properties'), 'mail.transport.protocol=smtp\nmail.smtp.host=mail.example.com\nmail.smtp.auth=perhaps\n');
    const [missing, empty, bad] = await Promise.all([
      run(['show'], { cwd }),
      run(['show', '-f', 'other.properties'], { cwd }),
      run(['show', '-f', 'bad.properties', '--json'], { cwd }),
    ]);
    assertRefused(missing, '✖ installer.properties: does not exist: run teaming-mail-setup to create it, or name the file with --file\n');
    assertRefused(empty, '✖ other.properties: holds no outbound e-mail settings: run teaming-mail-setup -f other.properties to add them\n');
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, '✖ bad.properties:3: mail.smtp.auth: mail.smtp.auth must be true or false (fix or remove this line, then run again)\n');
    assert.deepEqual(JSON.parse(bad.stdout), { result: 'error', exitCode: 2, errors: [bad.stderr.slice(2, -1)] });
  });
});
