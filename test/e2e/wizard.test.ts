/**
 * Whole runs of the built command through a real pseudo-terminal, typed the way an administrator
 * would: a new configuration, a --reconfigure that changes one answer, cancelling. Each asserts
 * the exact bytes written (or that nothing was).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { assertChangesMatchDiff } from '../helpers/file-diff.ts';
import { answer, choose, confirm, spawnCli, type PtyRun } from '../helpers/pty.ts';

let folder: string;
let runs: PtyRun[] = [];

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'teaming-mail-e2e-'));
});

afterEach(async () => {
  for (const run of runs) run.kill();
  runs = [];
  await rm(folder, { recursive: true, force: true });
});

/** The command in the test's folder, without the mail server check. */
function start(...args: string[]): PtyRun {
  const run = spawnCli(['--no-probe', ...args], { cwd: folder });
  runs.push(run);
  return run;
}

async function fileMode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** What the folder holds besides `keep`: no temporary, lock or backup files may be left behind. */
async function strayFiles(...keep: string[]): Promise<string[]> {
  return (await readdir(folder)).filter((name) => !keep.includes(name));
}

/** Every question of the wizard, in order. */
const QUESTION_MESSAGES = [
  'Outbound e-mail protocol',
  'Mail host',
  'Port',
  'Use STARTTLS?',
  'Time zone for notifications',
  'Does the mail server require authentication?',
  'User name or e-mail address',
  'Password',
  'Allow users to send e-mail to the All Users group?',
];

const PASSWORD = 'pa=ss:wo#rd café';

// An installation's file by hand: comments of both kinds, keys the wizard does not manage before and
// after the outbound settings, a blank line, spaces around a separator, an escaped value.
const EXISTING = [
  '# Kablink Teaming installer settings',
  '! edited by hand: keep the LDAP lines at the end',
  'data.root=/var/opt/novell/teaming',
  'web.port = 8080',
  '',
  '# outbound mail',
  'mail.transport.protocol=smtp',
  'mail.smtp.host=smtp.corp.example',
  'mail.smtp.port=25',
  'mail.smtp.auth=true',
  'mail.smtp.user=teaming@corp.example',
  'mail.smtp.password=old\\:secret',
  'mail.smtp.sendpartial=true',
  'mail.smtp.connectiontimeout=30000',
  'mail.smtp.ssl.checkserveridentity=true',
  'mail.smtp.starttls.enable=true',
  'mail.smtp.starttls.required=true',
  'notify.timezone=America/Chicago',
  'mail.allowSendToAllUsers=true',
  '',
  '! directory',
  'ldap.url=ldap\\://dir.corp.example\\:389',
  'lucene.location = local',
];

const CRLF = EXISTING.map((line) => `${line}\r\n`).join('');
const LF = EXISTING.map((line) => `${line}\n`).join('');

/** The fixture on disk, dated in the past so that a rewrite would show in its mtime. */
async function existingFile(name: string, text: string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, text, { encoding: 'latin1', mode: 0o644 });
  const past = new Date('2024-03-01T12:00:00Z');
  await utimes(path, past, past);
  return path;
}

/** Enter through every question of the EXISTING file: its values are the defaults. */
async function acceptStoredAnswers(run: PtyRun, port = ''): Promise<void> {
  await choose(run, 'Outbound e-mail protocol', 'SMTP');
  await answer(run, 'Mail host', '', { shown: 'smtp.corp.example' });
  await answer(run, 'Port', port, { shown: '25' });
  await confirm(run, 'Use STARTTLS?', 'Yes');
  await choose(run, 'Time zone for notifications', 'Central Time (America/Chicago)');
  await confirm(run, 'Does the mail server require authentication?', 'Yes');
  await answer(run, 'User name or e-mail address', '', { shown: 'teaming@corp.example' });
  await run.waitFor('Leave blank to keep the current password.');
  await answer(run, 'Password');
  await run.waitFor('The current password is kept.');
  await confirm(run, 'Allow users to send e-mail to the All Users group?', 'Yes');
}

describe('the wizard in a real terminal', () => {
  test('a new configuration: SMTP on 587, a searched time zone, an awkward password', async () => {
    const run = start();
    await choose(run, 'Outbound e-mail protocol', 'SMTP');
    await answer(run, 'Mail host', 'mail.example.com');
    await answer(run, 'Port', '587', { shown: '25' });
    await confirm(run, 'Use STARTTLS?', 'Yes'); // the default became Yes on 587

    await run.waitFor('? Time zone for notifications');
    run.type('los angeles');
    // The results for the whole term, not a stale list from a shorter one.
    await run.waitFor('los angeles\n❯ Pacific Time (America/Los_Angeles)\n  Browse by region');
    run.press('enter');
    await run.waitFor('✔ Time zone for notifications Pacific Time (America/Los_Angeles)');
    await run.waitFor(/Notifications will be stamped like: \w{3} \d{1,2} \w{3} \d{4} \d{2}:\d{2} P[SD]T\n/);

    await confirm(run, 'Does the mail server require authentication?', 'Yes', 'y');
    await answer(run, 'User name or e-mail address', 'teaming@example.com');
    await run.waitFor('Leave blank if the server needs no password.');
    await answer(run, 'Password', PASSWORD, { echo: '•'.repeat(PASSWORD.length) });
    await confirm(run, 'Allow users to send e-mail to the All Users group?', 'No', 'n');

    await run.waitFor(
      [
        'Outbound e-mail',
        '  Protocol                    SMTP',
        '  Mail host                   mail.example.com',
        '  Port                        587',
        '  STARTTLS                    yes',
        '  Time zone                   America/Los_Angeles',
        '  Authentication              yes',
        '  User name                   teaming@example.com',
        '  Password                    ••••••',
        '  Allow sending to All Users  no',
        '  Connection timeout          15 s',
      ].join('\n'),
    );
    await choose(run, 'Write installer.properties?', 'Write it');
    await run.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root).');
    assert.equal(await run.exit(), 0);

    for (const secret of [PASSWORD, 'wo#rd', 'café']) {
      assert.ok(!run.raw.includes(secret), `the terminal showed ${JSON.stringify(secret)}`);
      assert.ok(!run.text().includes(secret), `the terminal showed ${JSON.stringify(secret)}`);
    }
    const path = join(folder, 'installer.properties');
    assert.equal(
      (await readFile(path)).toString('latin1'),
      [
        '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).',
        '# Written by teaming-mail-setup; lines it does not manage are kept as they are.',
        'mail.transport.protocol=smtp',
        'mail.smtp.host=mail.example.com',
        'mail.smtp.port=587',
        'mail.smtp.auth=true',
        'mail.smtp.user=teaming@example.com',
        'mail.smtp.password=pa\\=ss\\:wo\\#rd caf\\u00e9',
        'mail.smtp.sendpartial=true',
        'mail.smtp.connectiontimeout=15000',
        'mail.smtp.ssl.checkserveridentity=true',
        'mail.smtp.starttls.enable=true',
        'mail.smtp.starttls.required=true',
        'notify.timezone=America/Los_Angeles',
        'mail.allowSendToAllUsers=false',
        '',
      ].join('\n'),
    );
    assert.equal(await fileMode(path), 0o600);
    assert.deepEqual(await strayFiles('installer.properties'), []);
  });

  test('SMTPS: an invalid port is refused inline and corrected; the machine time zone is the default', async () => {
    const run = start('-f', 'mail.properties');
    await choose(run, 'Outbound e-mail protocol', 'SMTPS', 'down');
    await answer(run, 'Mail host', 'smtps.example.org');
    await run.waitFor('SMTPS servers usually listen on 465.');
    await run.waitFor('? Port (465)');
    run.type('70000');
    await run.waitFor('? Port 70000');
    run.press('enter');
    await run.waitFor('port must be a whole number from 1 to 65535');
    run.press('backspace', 5);
    await answer(run, 'Port', '2465');
    // No STARTTLS question for SMTPS: the next one is the time zone, and TZ=America/New_York is offered first.
    await run.waitFor('? Time zone for notifications');
    assert.ok(!run.text().includes('? Use STARTTLS?'));
    await choose(run, 'Time zone for notifications', 'Eastern Time (America/New_York)');
    await confirm(run, 'Does the mail server require authentication?', 'No');
    await confirm(run, 'Allow users to send e-mail to the All Users group?', 'Yes');
    await choose(run, 'Write mail.properties?', 'Write it');
    assert.equal(await run.exit(), 0);

    assert.equal(
      await readFile(join(folder, 'mail.properties'), 'latin1'),
      [
        '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).',
        '# Written by teaming-mail-setup; lines it does not manage are kept as they are.',
        'mail.transport.protocol=smtps',
        'mail.smtps.host=smtps.example.org',
        'mail.smtps.port=2465',
        'mail.smtps.auth=false',
        'mail.smtps.sendpartial=true',
        'mail.smtps.connectiontimeout=15000',
        'mail.smtps.ssl.checkserveridentity=true',
        'notify.timezone=America/New_York',
        'mail.allowSendToAllUsers=true',
        '',
      ].join('\n'),
    );
  });

  test('browsing the time zones: America → Indiana › → Indianapolis', async () => {
    const run = start('--protocol', 'smtp', '--host', 'mail.example.com', '--port', '25', '--no-starttls', '--no-auth', '--allow-all-users');
    // Start list: the default zone, the three other US zones, then browsing.
    await choose(run, 'Time zone for notifications', 'Browse by region, country or state, and city…', 'down', 4, 'Browse…');
    await run.waitFor('Type the first letters of a name to jump to it; ‹ Back goes up a level.');
    await choose(run, 'Time zone: region', 'America ›', 'down');
    await run.waitFor('? Time zone: America');
    run.type('indiana'); // type-ahead in a long list
    await run.waitFor('❯ Indiana ›');
    run.press('enter');
    await choose(run, 'Time zone: America/Indiana', 'Indianapolis');
    await run.waitFor(/Notifications will be stamped like: .* E[SD]T\n/);
    await run.waitFor('  Time zone                   America/Indiana/Indianapolis\n');
    await choose(run, 'Write installer.properties?', 'Write it');
    assert.equal(await run.exit(), 0);
    const written = await readFile(join(folder, 'installer.properties'), 'latin1');
    assert.match(written, /^notify\.timezone=America\/Indiana\/Indianapolis$/m);
  });

  test('--reconfigure that changes only the port keeps every other line, comment and CRLF', async () => {
    const path = await existingFile('installer.properties', CRLF);
    const run = start('--reconfigure');
    await acceptStoredAnswers(run, '2525');
    await run.waitFor('Changes to installer.properties\n  Port  25 → 2525\n\n');
    await choose(run, 'Write installer.properties?', 'Write it');
    // Its 0644 is narrowed to 0640 (the group read bit kept), and the message says so.
    await run.waitFor(
      "✔ Wrote installer.properties (mode 0640, owner root:root; it was 0644: others' access removed, as the file holds a password; the previous version is in installer.properties.bak).",
    );
    assert.equal(await run.exit(), 0);

    assert.ok(!run.text().includes('old:secret') && !run.text().includes('old\\:secret'), 'the stored password was shown');
    assert.equal(await readFile(path, 'latin1'), CRLF.replace('mail.smtp.port=25\r\n', 'mail.smtp.port=2525\r\n'));
    assertChangesMatchDiff(run.text(), 'installer.properties', CRLF, await readFile(path, 'latin1'));
    assert.equal(await readFile(`${path}.bak`, 'latin1'), CRLF);
    // The group read bit kept, others' bits dropped: the file and its backup alike.
    assert.equal(await fileMode(path), 0o640);
    assert.equal(await fileMode(`${path}.bak`), 0o640);
    assert.deepEqual(await strayFiles('installer.properties', 'installer.properties.bak'), []);
  });

  test('"Change one answer" from the summary re-asks only that answer', async () => {
    const run = start(
      ...['--protocol', 'smtp', '--host', 'old.example.com', '--port', '25', '--no-starttls'],
      ...['--time-zone', 'Europe/Berlin', '--no-auth', '--no-allow-all-users'],
    );
    await run.waitFor('  Mail host                   old.example.com\n');
    await choose(run, 'Write installer.properties?', 'Change one answer', 'down');
    await choose(run, 'Which answer?', 'Mail host', 'down');
    const asked = run.text().length;
    // The current answer is the default.
    await answer(run, 'Mail host', 'new.example.com', { shown: 'old.example.com' });
    await run.waitFor('  Mail host                   new.example.com\n');
    await run.waitFor('? Write installer.properties?\n❯ Write it');
    const between = run.text().slice(asked);
    for (const other of QUESTION_MESSAGES.filter((message) => message !== 'Mail host')) {
      assert.ok(!between.includes(`? ${other}`), `"${other}" was asked again:\n${between}`);
    }
    run.press('enter');
    await run.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root).');
    assert.equal(await run.exit(), 0);

    assert.equal(
      await readFile(join(folder, 'installer.properties'), 'latin1'),
      [
        '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).',
        '# Written by teaming-mail-setup; lines it does not manage are kept as they are.',
        'mail.transport.protocol=smtp',
        'mail.smtp.host=new.example.com',
        'mail.smtp.port=25',
        'mail.smtp.auth=false',
        'mail.smtp.sendpartial=true',
        'mail.smtp.connectiontimeout=15000',
        'mail.smtp.ssl.checkserveridentity=true',
        'mail.smtp.starttls.enable=false',
        'mail.smtp.starttls.required=false',
        'notify.timezone=Europe/Berlin',
        'mail.allowSendToAllUsers=false',
        '',
      ].join('\n'),
    );
  });

  test('"Change one answer": a new protocol asks for the port again, with that protocol\'s default', async () => {
    const run = start(
      ...['--host', 'mail.example.com', '--port', '587', '--starttls', '--time-zone', 'UTC'],
      ...['--auth', '--username', 'teaming@example.com', '--allow-all-users'],
    );
    await choose(run, 'Outbound e-mail protocol', 'SMTP');
    // No flag gives a password (it would show in the process list): the one other question.
    await answer(run, 'Password');
    await choose(run, 'Write installer.properties?', 'Change one answer', 'down');
    await choose(run, 'Which answer?', 'Protocol');
    await choose(run, 'Outbound e-mail protocol', 'SMTPS', 'down');
    await answer(run, 'Port', '', { shown: '465' });
    await run.waitFor('  Protocol                    SMTPS\n  Mail host                   mail.example.com\n  Port                        465\n');
    await choose(run, 'Write installer.properties?', 'Write it');
    assert.equal(await run.exit(), 0);
    assert.match(await readFile(join(folder, 'installer.properties'), 'latin1'), /^mail\.smtps\.port=465$/m);
  });

  test('an existing file without --reconfigure: the wizard asks; Cancel leaves it alone', async () => {
    const path = await existingFile('installer.properties', LF);
    const before = await stat(path);
    const run = start();
    await choose(run, 'installer.properties already holds outbound e-mail settings. What now?', 'Cancel', 'down', 2);
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
    assert.equal(await readFile(path, 'latin1'), LF);
    assert.equal((await stat(path)).mtimeMs, before.mtimeMs);
    assert.deepEqual(await strayFiles('installer.properties'), []);
  });

  test('Ctrl+C at a question: nothing written, exit 130', async () => {
    const run = start();
    await choose(run, 'Outbound e-mail protocol', 'SMTP');
    await run.waitFor('? Mail host');
    run.type('mail.exa');
    await run.waitFor('? Mail host mail.exa');
    run.press('ctrl-c');
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
    assert.deepEqual(await strayFiles(), []);
  });

  test('Ctrl+C at the summary, every answer given: nothing written, exit 130', async () => {
    const run = start(
      ...['--protocol', 'smtp', '--host', 'mail.example.com', '--port', '25', '--no-starttls'],
      ...['--time-zone', 'UTC', '--no-auth', '--allow-all-users'],
    );
    await run.waitFor('? Write installer.properties?\n❯ Write it');
    run.press('ctrl-c');
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
    assert.deepEqual(await strayFiles(), []);
  });

  test('--reconfigure with nothing changed: the file is not rewritten', async () => {
    const path = await existingFile('installer.properties', LF);
    const before = await stat(path);
    const run = start('--reconfigure');
    await acceptStoredAnswers(run);
    await run.waitFor('Changes to installer.properties\n  (no changes)\n');
    await choose(run, 'Nothing changed. What now?', 'Done (leave the file as it is)');
    await run.waitFor('✔ Nothing changed; installer.properties was not written.');
    assert.equal(await run.exit(), 0);
    assert.equal(await readFile(path, 'latin1'), LF);
    assertChangesMatchDiff(run.text(), 'installer.properties', LF, await readFile(path, 'latin1'));
    assert.equal((await stat(path)).mtimeMs, before.mtimeMs);
    assert.deepEqual(await strayFiles('installer.properties'), []);
  });
});

describe('reconfigure and early checks in a real terminal', () => {
  test('installer.xml, switching to SMTPS: each question offers the stored smtps attribute; the smtp ones stay', async () => {
    const fixture = await readFile(new URL('../fixtures/installer.xml', import.meta.url), 'latin1');
    const path = await existingFile('installer.xml', fixture);
    const run = start('--reconfigure', '-f', 'installer.xml');
    await choose(run, 'Outbound e-mail protocol', 'SMTPS', 'down');
    await answer(run, 'Mail host', '', { shown: 'smtps.example.com' });
    await answer(run, 'Port', '', { shown: '465' });
    await choose(run, 'Time zone for notifications', 'Eastern Time (America/New_York)');
    await confirm(run, 'Does the mail server require authentication?', 'Yes');
    await answer(run, 'User name or e-mail address', '', { shown: 'teaming@example.com' });
    await run.waitFor('Leave blank to keep the current password.');
    await answer(run, 'Password');
    await run.waitFor('The current password is kept.');
    await confirm(run, 'Allow users to send e-mail to the All Users group?', 'Yes');
    await run.waitFor(
      'Changes to installer.xml\n' +
        '  Protocol                                                SMTP → SMTPS\n' +
        '  SMTPS connection timeout                                (not set) → 15 s\n' +
        '  Server name check (mail.smtps.ssl.checkserveridentity)  (not set) → yes\n\n',
    );
    await choose(run, 'Write installer.xml?', 'Write it');
    assert.equal(await run.exit(), 0);
    const written = await readFile(path, 'latin1');
    assert.equal(
      written,
      fixture
        .replace('<Resource mail.transport.protocol="smtp"', '<Resource mail.transport.protocol="smtps"')
        .replace(
          'mail.smtps.sendpartial="true" />',
          'mail.smtps.sendpartial="true"\n        mail.smtps.connectiontimeout="15000"\n        mail.smtps.ssl.checkserveridentity="true" />',
        ),
    );
    assertChangesMatchDiff(run.text(), 'installer.xml', fixture, written);
    assert.ok(!run.text().includes('old&amp;pass') && !run.text().includes('old&pass'), 'the stored password was shown');
  });

  test('a folder that does not exist is said before the first question; declining exits 4, nothing created', async () => {
    const run = start('-f', 'conf/installer.properties');
    await confirm(run, 'The folder conf does not exist. Create it?', 'No', 'n');
    await run.waitFor('✖ conf/installer.properties cannot be written: the folder conf does not exist; create it or choose another path with --file');
    assert.equal(await run.exit(), 4);
    assert.ok(!run.text().includes('? Outbound e-mail protocol'), run.text());
    assert.deepEqual(await strayFiles(), []);
  });

  test('a folder that does not exist: accepting creates it, and the file is written there', async () => {
    const run = start(
      ...['-f', 'conf/installer.properties', '--protocol', 'smtp', '--host', 'mail.example.com', '--port', '25', '--no-starttls'],
      ...['--time-zone', 'UTC', '--no-auth', '--allow-all-users'],
    );
    await confirm(run, 'The folder conf does not exist. Create it?', 'Yes');
    await run.waitFor('✔ Created the folder conf.');
    await choose(run, 'Write conf/installer.properties?', 'Write it');
    await run.waitFor('✔ Wrote conf/installer.properties (mode 0600, owner root:root).');
    assert.equal(await run.exit(), 0);
    assert.match(await readFile(join(folder, 'conf', 'installer.properties'), 'latin1'), /^mail\.smtp\.host=mail\.example\.com$/m);
  });

  test('a host typed with its port is refused with the fix; dropping the port is accepted', async () => {
    const run = start();
    await choose(run, 'Outbound e-mail protocol', 'SMTP');
    await run.waitFor('? Mail host');
    run.type('mail.example.com:587');
    await run.waitFor('? Mail host mail.example.com:587');
    run.press('enter');
    await run.waitFor('> host must not include the port: drop ":587", the port is the next question (--port unattended)');
    run.press('backspace', 4);
    await run.waitFor(/\? Mail host mail\.example\.com(?!:)/);
    run.press('enter');
    await run.waitFor('✔ Mail host mail.example.com\n');
    await answer(run, 'Port', '587', { shown: '25' });
    run.press('ctrl-c');
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
  });
});
