/**
 * The password never leaks: every command path of the built command, run with one distinctive
 * password, against a real STARTTLS + AUTH server on 127.0.0.1. Neither the password, its marker,
 * its base64 form nor the AUTH PLAIN token may appear on stdout, stderr, the terminal, the
 * process's argv, or any file of the folder other than the settings file and its backup.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inBatches, runCli, startCli, type CliOptions, type CliResult } from '../helpers/cli.ts';
import { assertChangesMatchDiff } from '../helpers/file-diff.ts';
import { spawnCli, type PtyRun } from '../helpers/pty.ts';
import { closedPort, silentServer, startSmtpServer, TEST_USER, type RawServer, type TestSmtpServer } from '../helpers/smtp-servers.ts';

const USER = TEST_USER;
/** ASCII markers survive every escaping: a `.properties` \uXXXX escape, JSON, masking slices. */
const MARKER = 'Kq8SECRETmarker';
const WRONG_MARKER = 'Vz3WRONGmarker';
const PASSWORD = `p=ss: wörd☃ ${MARKER}`;
const WRONG = `wr=ng: pässe☃ ${WRONG_MARKER}`;

/** Every form a password may travel in: as typed, its marker, base64 (AUTH LOGIN) and the AUTH PLAIN token. */
function forms(password: string, marker: string): string[] {
  return [password, marker, Buffer.from(password, 'utf8').toString('base64'), Buffer.from(`\u0000${USER}\u0000${password}`, 'utf8').toString('base64')];
}
const SECRETS = [...forms(PASSWORD, MARKER), ...forms(WRONG, WRONG_MARKER)];

function assertNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} holds ${JSON.stringify(secret)}:\n${text}`);
}

const SETTINGS = 'installer.properties';

/** Every file under `folder` but the settings file and its backup holds no form of any password, in UTF-8 or Latin-1. */
async function assertFolderClean(folder: string, where: string): Promise<void> {
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (path === join(folder, SETTINGS) || path === join(folder, `${SETTINGS}.bak`)) continue;
    const bytes = await readFile(path);
    for (const secret of SECRETS) {
      for (const encoded of [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'latin1')]) {
        assert.equal(bytes.indexOf(encoded), -1, `${where}: ${entry.name} holds ${JSON.stringify(secret)}`);
      }
    }
  }
}

let root: string;
let secrets: string;
let server: TestSmtpServer;
let silent: RawServer;
let caFile: string;
let passwordFile: string;
let wrongPasswordFile: string;
let nulPasswordFile: string;
let closed: number;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'teaming-mail-secrets-'));
  // Outside every run's folder: these two files hold the password on purpose.
  secrets = join(root, 'secrets');
  await mkdir(secrets);
  server = await startSmtpServer({ mode: 'starttls', accounts: { [USER]: PASSWORD } });
  silent = await silentServer();
  closed = await closedPort();
  caFile = join(secrets, 'ca.pem');
  await writeFile(caFile, server.caPem);
  passwordFile = join(secrets, 'password');
  await writeFile(passwordFile, `${PASSWORD}\n`);
  wrongPasswordFile = join(secrets, 'wrong-password');
  await writeFile(wrongPasswordFile, `${WRONG}\n`);
  nulPasswordFile = join(secrets, 'nul-password');
  await writeFile(nulPasswordFile, `${PASSWORD}\u0000\n`);
});

after(async () => {
  await server?.close();
  await silent?.close();
  await rm(root, { recursive: true, force: true });
});

let folders = 0;
async function newFolder(): Promise<string> {
  const folder = join(root, `run-${++folders}`);
  await mkdir(folder);
  return folder;
}

/** Every answer but the password, for the test server. */
function answers(port = server.port): string[] {
  return [
    ...['--non-interactive', '--protocol', 'smtp', '--host', '127.0.0.1', '--port', String(port), '--starttls'],
    ...['--time-zone', 'UTC', '--auth', '--username', USER, '--ca-file', caFile],
  ];
}

const ENV_PASSWORD = { TEAMING_MAIL_PASSWORD: PASSWORD };

let written: Promise<Buffer> | undefined;
/** A folder holding a settings file written (and checked) with the password: one run, copied. */
async function configuredFolder(): Promise<string> {
  written ??= (async () => {
    const folder = await newFolder();
    const result = await runCli([...answers(), '--password-file', passwordFile], { cwd: folder });
    assert.equal(result.code, 0, result.stderr);
    return readFile(join(folder, SETTINGS));
  })();
  const folder = await newFolder();
  await writeFile(join(folder, SETTINGS), await written, { mode: 0o600 });
  return folder;
}

interface Case {
  name: string;
  args: string[];
  options?: Omit<CliOptions, 'cwd'>;
  /** Start from a folder that already holds the settings file. */
  configured?: boolean;
  /** A run that prepares the folder first. */
  prepare?: string[];
  exit: number;
  /** Text the output must show: proves the run reached what it is about. */
  shows: string;
  /** The settings file holds the password afterwards (it was written, or was there). */
  stored?: boolean;
}

function unattendedCases(): Case[] {
  return [
    { name: '--password-file', args: [...answers(), '--password-file', passwordFile], exit: 0, shows: `Wrote ${SETTINGS}`, stored: true },
    {
      name: '--password-stdin --json',
      args: [...answers(), '--password-stdin', '--json'],
      options: { input: `${PASSWORD}\n` },
      exit: 0,
      shows: '"result": "written"',
      stored: true,
    },
    { name: 'TEAMING_MAIL_PASSWORD --dry-run', args: [...answers(), '--dry-run'], options: { env: ENV_PASSWORD }, exit: 0, shows: 'mail.smtp.password=••••••' },
    { name: '--dry-run --json', args: [...answers(), '--dry-run', '--json'], options: { env: ENV_PASSWORD }, exit: 0, shows: '"result": "dry-run"' },
    {
      name: '--write-answers',
      args: [...answers(), '--write-answers', 'answers.json'],
      options: { env: ENV_PASSWORD },
      exit: 0,
      shows: 'Saved the answers to answers.json',
      stored: true,
    },
    {
      name: '--reconfigure keeps the stored password',
      args: ['--non-interactive', '--reconfigure', '--no-allow-all-users', '--ca-file', caFile],
      configured: true,
      exit: 0,
      shows: `Wrote ${SETTINGS} (mode 0600, owner root:root; the previous version is in ${SETTINGS}.bak)`,
      stored: true,
    },
    {
      name: '--force --password-stdin over an existing file',
      args: [...answers(), '--force', '--password-stdin', '--time-zone', 'Europe/Berlin'],
      options: { input: PASSWORD },
      configured: true,
      exit: 0,
      shows: `Wrote ${SETTINGS} (mode 0600, owner root:root; the previous`,
      stored: true,
    },
    { name: 'show', args: ['show'], configured: true, exit: 0, shows: `Outbound e-mail in ${SETTINGS}`, stored: true },
    { name: 'show --json', args: ['show', '--json'], configured: true, exit: 0, shows: '"password": "••••••"', stored: true },
    { name: 'check', args: ['check', '--ca-file', caFile], configured: true, exit: 0, shows: 'AUTH', stored: true },
    { name: 'check --json', args: ['check', '--json', '--ca-file', caFile], configured: true, exit: 0, shows: '"result": "passed"', stored: true },
    { name: 'closed port', args: [...answers(closed), '--password-file', passwordFile], exit: 3, shows: 'nothing was written' },
    { name: 'wrong password', args: [...answers(), '--password-file', wrongPasswordFile], exit: 3, shows: '535' },
    { name: 'wrong password --json', args: [...answers(), '--json'], options: { env: { TEAMING_MAIL_PASSWORD: WRONG } }, exit: 3, shows: '"exitCode": 3' },
    {
      name: 'check with a wrong stored password',
      args: ['check', '--ca-file', caFile],
      prepare: [...answers(), '--no-probe', '--password-file', wrongPasswordFile],
      exit: 3,
      shows: '535',
    },
    {
      name: 'check --json with a wrong stored password',
      args: ['check', '--json', '--ca-file', caFile],
      prepare: [...answers(), '--no-probe', '--password-file', wrongPasswordFile],
      exit: 3,
      shows: '"result": "failed"',
    },
    { name: 'invalid answer', args: [...answers(), '--port', '99999', '--password-file', passwordFile], exit: 2, shows: '--port: port must be a whole number' },
    { name: 'a password with a NUL', args: [...answers(), '--password-file', nulPasswordFile], exit: 2, shows: 'password must not contain a NUL' },
    {
      name: 'two password sources',
      args: [...answers(), '--password-file', passwordFile],
      options: { env: ENV_PASSWORD },
      exit: 2,
      shows: 'give the password one way only',
    },
    {
      name: 'unwritable path',
      args: [...answers(), '-f', 'missing/installer.properties', '--password-file', passwordFile],
      exit: 4,
      shows: 'the folder missing does not exist',
    },
  ];
}

async function runCase(item: Case, debug: boolean): Promise<void> {
  const folder = item.configured ? await configuredFolder() : await newFolder();
  const where = `${item.name}${debug ? ' (DEBUG=1)' : ''}`;
  if (item.prepare) assert.equal((await runCli(item.prepare, { cwd: folder })).code, 0, `${where}: prepare`);
  const before = await readFile(join(folder, SETTINGS), 'latin1').catch(() => '');
  const result: CliResult = await runCli(item.args, { cwd: folder, ...item.options, env: { ...item.options?.env, ...(debug ? { DEBUG: '1' } : {}) } });
  assert.equal(result.code, item.exit, `${where}: exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  assert.ok(
    `${result.stdout}${result.stderr}`.includes(item.shows),
    `${where}: does not show ${JSON.stringify(item.shows)}:\n${result.stdout}\n${result.stderr}`,
  );
  assertNoSecret(result.stdout, `${where}: stdout`);
  assertNoSecret(result.stderr, `${where}: stderr`);
  await assertFolderClean(folder, where);
  const stored = await readFile(join(folder, SETTINGS), 'latin1').catch(() => '');
  assert.equal(stored.includes(MARKER), item.stored === true, `${where}: the settings file ${item.stored ? 'lacks' : 'holds'} the password`);
  if (item.args.includes('--reconfigure')) assertChangesMatchDiff(result.stdout, SETTINGS, before, stored);
}

describe('secrets: unattended runs, show and check', () => {
  test('no form of the password on stdout, stderr or in any other file; failures with and without DEBUG=1', async () => {
    const cases = unattendedCases();
    // DEBUG=1 changes what a failure prints (the stack of an internal error): the failing runs again with it.
    const failing = cases.filter((item) => item.exit !== 0);
    const runs = [...cases.map((item) => [item, false] as const), ...failing.map((item) => [item, true] as const)];
    await inBatches(runs, ([item, debug]) => runCase(item, debug));
    // The server really was asked: good logins, and refused ones for the wrong password.
    assert.ok(server.logins.some((login) => login.accepted));
    assert.ok(server.logins.some((login) => !login.accepted));
  });

  test('argv never holds the password: env, file and stdin sources, read from /proc while the probe waits', {
    skip: process.platform !== 'linux' && 'needs /proc',
  }, async () => {
    const sources: [string, string[], Omit<CliOptions, 'cwd'>][] = [
      ['TEAMING_MAIL_PASSWORD', [], { env: ENV_PASSWORD }],
      ['--password-file', ['--password-file', passwordFile], {}],
      ['--password-stdin', ['--password-stdin'], { input: PASSWORD }],
    ];
    await Promise.all(
      sources.map(async ([name, args, options]) => {
        const folder = await newFolder();
        const run = startCli([...answers(silent.port), '--probe-timeout', '60', ...args], { cwd: folder, ...options });
        try {
          await run.waitFor('Checking the mail server');
          const argv = (await readFile(`/proc/${run.child.pid}/cmdline`, 'utf8')).split('\u0000');
          assert.ok(argv.includes('--non-interactive') && argv.includes(String(silent.port)), `${name}: not the command's argv: ${argv.join(' ')}`);
          assertNoSecret(argv.join(' '), `${name}: argv`);
        } finally {
          run.child.kill('SIGKILL');
          await run.result;
        }
      }),
    );
  });

  test('under umask 000 the settings file and its backup are 0600', async () => {
    const folder = await newFolder();
    const args = [...answers(), '--no-probe'];
    const first = await runCli(args, { cwd: folder, env: ENV_PASSWORD, umask: '000' });
    assert.equal(first.code, 0, first.stderr);
    const second = await runCli([...args, '--force', '--time-zone', 'Europe/Paris'], { cwd: folder, env: ENV_PASSWORD, umask: '000' });
    assert.equal(second.code, 0, second.stderr);
    assert.ok(second.stdout.includes('.bak'), second.stdout);
    // The answers file too is 0600 whatever the umask (it was 0666 under umask 000).
    const control = await runCli(
      ['--non-interactive', '--no-probe', '--host', 'x.example', '--time-zone', 'UTC', '--no-auth', '--write-answers', 'a.json', '-f', 'other.properties'],
      { cwd: folder, umask: '000' },
    );
    assert.equal(control.code, 0, control.stderr);
    assert.equal((await stat(join(folder, 'a.json'))).mode & 0o777, 0o600);
    for (const name of [SETTINGS, `${SETTINGS}.bak`, 'other.properties']) {
      assert.equal((await stat(join(folder, name))).mode & 0o777, 0o600, name);
    }
    assert.deepEqual((await readdir(folder)).sort(), ['a.json', SETTINGS, `${SETTINGS}.bak`, 'other.properties'].sort());
  });
});

describe('secrets: the wizard in a terminal', () => {
  const runs: PtyRun[] = [];
  after(() => {
    for (const run of runs) run.kill();
  });

  /** The wizard with every answer but the password given as flags. */
  function wizard(folder: string, ...args: string[]): PtyRun {
    const run = spawnCli([...answers().filter((arg) => arg !== '--non-interactive'), '--allow-all-users', ...args], { cwd: folder, env: { NO_COLOR: '1' } });
    runs.push(run);
    return run;
  }

  async function typePassword(run: PtyRun, password: string): Promise<void> {
    await run.waitFor('? Password');
    run.type(password);
    await run.waitFor(`? Password ${'•'.repeat(password.length)}`);
    run.press('enter');
  }

  function assertTerminalClean(run: PtyRun, where: string): void {
    assertNoSecret(run.raw, `${where}: terminal`);
    assertNoSecret(run.text(), `${where}: terminal`);
  }

  test('new, then reconfigure: the password typed once, checked, stored, and never shown', async () => {
    const folder = await newFolder();
    const run = wizard(folder);
    await typePassword(run, PASSWORD);
    await run.waitFor('✔ Password');
    await run.waitFor(/AUTH.*accepted|235/);
    // 127.0.0.1 with TLS: the certificate's name is offered; Enter takes it, and the password goes through a second check.
    await run.waitFor('? Mail host to write');
    run.press('enter');
    await run.waitFor('✔ Mail host to write localhost');
    await run.waitFor('? Write installer.properties?');
    run.press('enter');
    await run.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root).');
    await run.waitFor('? Send a test message to');
    run.type('admin@example.com');
    await run.waitFor('admin@example.com');
    run.press('enter');
    assert.equal(await run.exit(), 0);
    assertTerminalClean(run, 'new');
    assert.equal(server.messages.length >= 1, true);

    const before = await readFile(join(folder, SETTINGS), 'latin1');
    const again = wizard(folder, '--reconfigure', '--no-allow-all-users');
    await again.waitFor('Leave blank to keep the current password.');
    await again.waitFor('? Password');
    again.press('enter');
    await again.waitFor('The current password is kept.');
    await again.waitFor('? Mail host to write');
    again.press('enter');
    await again.waitFor('✔ Mail host to write localhost');
    await again.waitFor('? Write installer.properties?');
    again.press('enter');
    await again.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root; the previous version is in installer.properties.bak)');
    await again.waitFor('? Send a test message to');
    again.press('enter');
    assert.equal(await again.exit(), 0);
    assertTerminalClean(again, 'reconfigure');
    await assertFolderClean(folder, 'wizard');
    const after = await readFile(join(folder, SETTINGS), 'latin1');
    assert.ok(after.includes(MARKER));
    assert.deepEqual(assertChangesMatchDiff(again.text(), SETTINGS, before, after), [{ label: 'Allow sending to All Users', from: 'yes', to: 'no' }]);
  });

  test('a wrong password: the check fails with 535, Cancel; nothing written, nothing shown', async () => {
    const folder = await newFolder();
    const run = wizard(folder);
    await typePassword(run, WRONG);
    await run.waitFor('535');
    await run.waitFor('? The mail server check failed. What now?');
    await run.waitFor('❯ ');
    run.press('up');
    await run.waitFor('❯ Cancel');
    run.press('enter');
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
    assertTerminalClean(run, 'wrong password');
    assert.deepEqual(await readdir(folder), []);
  });
});
