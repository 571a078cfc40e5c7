/** Unattended runs of the built command: every answer as a flag, the password sources, missing answers, exit codes. */
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertEndsWith, assertIncludes, assertRefused, ESCAPED_PASSWORD, PASSWORD, run, UNATTENDED } from '../helpers/cli.ts';
import { exists, listing, readText, tempFolder } from '../helpers/files.ts';
import { propertiesText } from '../helpers/properties-text.ts';

const ALL_FLAGS = [
  '--protocol',
  'smtp',
  '--host',
  'mail.example.com',
  '--port',
  '587',
  '--starttls',
  '--time-zone',
  'America/Denver',
  '--auth',
  '--username',
  'teaming@example.com',
  '--no-allow-all-users',
  '--connection-timeout',
  '30',
];

const ALL_FLAGS_FILE = propertiesText({
  'mail.transport.protocol': 'smtp',
  'mail.smtp.host': 'mail.example.com',
  'mail.smtp.port': '587',
  'mail.smtp.auth': 'true',
  'mail.smtp.user': 'teaming@example.com',
  'mail.smtp.password': ESCAPED_PASSWORD,
  'mail.smtp.sendpartial': 'true',
  'mail.smtp.connectiontimeout': '30000',
  'mail.smtp.ssl.checkserveridentity': 'true',
  'mail.smtp.starttls.enable': 'true',
  'mail.smtp.starttls.required': 'true',
  'notify.timezone': 'America/Denver',
  'mail.allowSendToAllUsers': 'false',
});

const ALL_FLAGS_SHEET =
  '\n' +
  'Outbound e-mail\n' +
  '  Protocol                    SMTP\n' +
  '  Mail host                   mail.example.com\n' +
  '  Port                        587\n' +
  '  STARTTLS                    yes\n' +
  '  Time zone                   America/Denver\n' +
  '  Authentication              yes\n' +
  '  User name                   teaming@example.com\n' +
  '  Password                    ••••••\n' +
  '  Allow sending to All Users  no\n' +
  '  Connection timeout          30 s\n' +
  '\n';

/** The password must never reach the terminal, in any form. */
function assertNoPassword(...texts: string[]): void {
  for (const text of texts) {
    assert.ok(!text.includes(PASSWORD), `the password leaked:\n${text}`);
    assert.ok(!text.includes(ESCAPED_PASSWORD), `the escaped password leaked:\n${text}`);
    assert.ok(!text.includes('Zq7'), `part of the password leaked:\n${text}`);
  }
}

describe('unattended: every question has a flag', { concurrency: true }, () => {
  test('all flags and the password from TEAMING_MAIL_PASSWORD write the whole file', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, ...ALL_FLAGS], { cwd, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, `${ALL_FLAGS_SHEET}✔ Wrote installer.properties (mode 0600, owner root:root).\n`);
    assert.equal(result.code, 0);
    assert.equal(await readText(join(cwd, 'installer.properties')), ALL_FLAGS_FILE);
    assertNoPassword(result.stdout, result.stderr);
  });

  test('only --host: every other answer takes its default (port 25, no STARTTLS, machine time zone, no auth, All Users allowed, 15 s)', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--host', 'mail.example.com'], { cwd, env: { TZ: 'Europe/Berlin' } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      await readText(join(cwd, 'installer.properties')),
      propertiesText({
        'mail.transport.protocol': 'smtp',
        'mail.smtp.host': 'mail.example.com',
        'mail.smtp.port': '25',
        'mail.smtp.auth': 'false',
        'mail.smtp.sendpartial': 'true',
        'mail.smtp.connectiontimeout': '15000',
        'mail.smtp.ssl.checkserveridentity': 'true',
        'mail.smtp.starttls.enable': 'false',
        'mail.smtp.starttls.required': 'false',
        'notify.timezone': 'Europe/Berlin',
        'mail.allowSendToAllUsers': 'true',
      }),
    );
  });

  test('--protocol smtps with an IPv6 host: port 465, no STARTTLS line, --no-auth, --allow-all-users', async () => {
    const cwd = await tempFolder();
    const args = ['--protocol', 'smtps', '--host', '[2001:db8::25]', '--no-auth', '--allow-all-users', '--time-zone', 'Asia/Tokyo'];
    const result = await run([...UNATTENDED, ...args], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      await readText(join(cwd, 'installer.properties')),
      propertiesText({
        'mail.transport.protocol': 'smtps',
        'mail.smtps.host': '2001\\:db8\\:\\:25',
        'mail.smtps.port': '465',
        'mail.smtps.auth': 'false',
        'mail.smtps.sendpartial': 'true',
        'mail.smtps.connectiontimeout': '15000',
        // JavaMail cannot check a certificate against an address: it is told not to, and the run says so.
        'mail.smtps.ssl.checkserveridentity': 'false',
        'notify.timezone': 'Asia/Tokyo',
        'mail.allowSendToAllUsers': 'true',
      }),
    );
    const warning =
      "! Teaming will not check the mail server's name: the host is the IP address 2001:db8::25, and Teaming's JavaMail cannot check a certificate against an address, " +
      'so mail.smtps.ssl.checkserveridentity=false is written. Use a host name the certificate names to have it checked.\n';
    // Once under the summary, once in the final message.
    assert.equal(result.stderr, warning + warning);
  });

  test('--port 587 turns STARTTLS on by default, --no-starttls turns it off', async () => {
    const [on, off] = await Promise.all([tempFolder(), tempFolder()]);
    const common = [...UNATTENDED, '--host', 'mail.example.com', '--port', '587'];
    const results = await Promise.all([run(common, { cwd: on }), run([...common, '--no-starttls'], { cwd: off })]);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.match(await readText(join(on, 'installer.properties')), /^mail\.smtp\.starttls\.enable=true$/m);
    assert.match(await readText(join(off, 'installer.properties')), /^mail\.smtp\.starttls\.enable=false$/m);
  });

  test('--auth with a user name and no password writes no password line', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--host', 'mail.example.com', '--auth', '--username', 'teaming'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    const text = await readText(join(cwd, 'installer.properties'));
    assert.match(text, /^mail\.smtp\.user=teaming\nmail\.smtp\.sendpartial=true$/m);
    assert.doesNotMatch(text, /password/);
  });
});

describe('unattended: the password never on the command line', { concurrency: true }, () => {
  const flags = [...UNATTENDED, '--host', 'mail.example.com', '--auth', '--username', 'teaming'];
  const expectedLine = `mail.smtp.password=${ESCAPED_PASSWORD}\n`;

  test('--password-file reads the first line of the file', async () => {
    const cwd = await tempFolder();
    await writeFile(join(cwd, 'secret'), `${PASSWORD}\r\nnot the password\n`);
    const result = await run([...flags, '--password-file', 'secret'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await readText(join(cwd, 'installer.properties'))).includes(`\nmail.smtp.user=teaming\n${expectedLine}`));
    assertNoPassword(result.stdout, result.stderr);
  });

  test('--password-file: a leading byte-order mark and the line end are stripped, nothing else', async () => {
    const cwd = await tempFolder();
    // As Notepad saves it: UTF-8 with a BOM, CRLF; the spaces are part of the password.
    await writeFile(join(cwd, 'secret'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(` ${PASSWORD} \r\nnot the password\r\n`, 'utf8')]));
    const result = await run([...flags, '--password-file', 'secret'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    const written = await readText(join(cwd, 'installer.properties'));
    assertIncludes(written, `\nmail.smtp.user=teaming\nmail.smtp.password=\\ ${ESCAPED_PASSWORD} \n`);
    assert.ok(!/\\ufeff/i.test(written), written);
    assertNoPassword(result.stdout, result.stderr);
  });

  test('--password-stdin reads standard input (one trailing line break dropped)', async () => {
    const cwd = await tempFolder();
    const result = await run([...flags, '--password-stdin'], { cwd, input: `${PASSWORD}\n` });
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await readText(join(cwd, 'installer.properties'))).includes(`\nmail.smtp.user=teaming\n${expectedLine}`));
    assertNoPassword(result.stdout, result.stderr);
  });

  test('TEAMING_MAIL_PASSWORD, with --json and --dry-run too: never printed', async () => {
    const [plain, json, dry] = await Promise.all([tempFolder(), tempFolder(), tempFolder()]);
    const env = { TEAMING_MAIL_PASSWORD: PASSWORD };
    const results = await Promise.all([
      run(flags, { cwd: plain, env }),
      run([...flags, '--json'], { cwd: json, env }),
      run([...flags, '--dry-run', '--json'], { cwd: dry, env }),
    ]);
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assertNoPassword(result.stdout, result.stderr);
    }
    assert.ok((await readText(join(plain, 'installer.properties'))).includes(expectedLine));
    assert.ok((await readText(join(json, 'installer.properties'))).includes(expectedLine));
  });

  test('two password sources at once: exit 2, nothing written', async () => {
    const cwd = await tempFolder();
    await writeFile(join(cwd, 'secret'), PASSWORD);
    const result = await run([...flags, '--password-file', 'secret'], { cwd, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
    assertRefused(result, ['✖ give the password one way only, not with --password-file and TEAMING_MAIL_PASSWORD']);
    assert.deepEqual(await listing(cwd), ['secret']);
  });

  test('a password file that cannot be read is listed with the other problems', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--auth', '--password-file', 'no-such-file'], { cwd });
    assertRefused(result, [
      '✖ --password-file: the file cannot be read: it does not exist',
      '✖ missing mail host: give --host (answers file: "host")',
      '✖ missing user name: give --username (answers file: "username")',
    ]);
  });
});

describe('unattended: missing and invalid answers, all at once', { concurrency: true }, () => {
  test('no --host and --auth without --username: two lines naming the flags, exit 2, nothing written', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--auth'], { cwd });
    assertRefused(result, '✖ missing mail host: give --host (answers file: "host")\n✖ missing user name: give --username (answers file: "username")\n');
    assert.deepEqual(await listing(cwd), []);
  });

  test('invalid flags are reported together with the missing answers', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--port', '99999', '--time-zone', 'Mars/Olympus', '--auth', '--connection-timeout', '0'], { cwd });
    assertRefused(result, [
      '✖ --port: port must be a whole number from 1 to 65535',
      '✖ --time-zone: time zone must be an IANA zone name such as America/New_York or Europe/Berlin',
      '✖ --connection-timeout: connection timeout must be a whole number of seconds from 1 to 600',
      '✖ missing mail host: give --host (answers file: "host")',
      '✖ missing user name: give --username (answers file: "username")',
    ]);
    assert.deepEqual(await listing(cwd), []);
  });

  test('a host typo names the mistake and the fix, in the same words for a flag and the answers file', async () => {
    const cwd = await tempFolder();
    const typos = [
      ['mail.example.com:587', 'host must not include the port: drop ":587", the port is the next question (--port unattended)'],
      ['http://mail.example.com', 'host must not start with "http://": drop it, the host is the server\'s name or address alone'],
      ['mail_relay.example.com', 'host must not contain "_": underscores are not valid in host names (use the server\'s DNS name or its address)'],
    ];
    for (const [index, [host, message]] of typos.entries()) {
      await writeFile(join(cwd, `answers${index}.json`), JSON.stringify({ host, timeZone: 'UTC' }));
      const [byFlag, byFile] = await Promise.all([
        run([...UNATTENDED, '--host', host!], { cwd }),
        run([...UNATTENDED, '--answers', `answers${index}.json`], { cwd }),
      ]);
      assertRefused(byFlag, [`✖ --host: ${message}`]);
      assertRefused(byFile, [`✖ answers${index}.json: host: ${message}`]);
    }
    assert.deepEqual(await listing(cwd), ['answers0.json', 'answers1.json', 'answers2.json']);
  });

  test('an invalid host is reported once, as invalid, not also as missing', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--host', 'mail example.com'], { cwd });
    assertRefused(result, ['✖ --host: host must not contain spaces: a host name is one word, such as mail.example.com']);
  });
});

describe('exit codes', { concurrency: true }, () => {
  test('2: stdin is not a terminal and no --non-interactive: one line, never waits for input', async () => {
    const cwd = await tempFolder();
    const result = await run(['--no-probe', '--host', 'mail.example.com'], { cwd, timeoutMs: 5000 });
    assertRefused(
      result,
      '✖ no terminal to ask the questions on: to run unattended, add --non-interactive and give the answers as flags or with --answers FILE (see --help)\n',
    );
    assert.deepEqual(await listing(cwd), []);
  });

  test('2: an unknown flag', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--hostname', 'mail.example.com'], { cwd });
    assertRefused(result, "error: unknown option '--hostname'\n");
  });

  test("2: a protocol that is not a choice, a probe timeout that is not a number, a test recipient that is no address: each in its schema's words", async () => {
    const cwd = await tempFolder();
    const [protocol, timeout, recipient, together] = await Promise.all([
      run([...UNATTENDED, '--host', 'mail.example.com', '--protocol', 'smpt'], { cwd }),
      run(['--non-interactive', '--host', 'mail.example.com', '--probe-timeout', 'soon'], { cwd }),
      run(['--non-interactive', '--host', 'mail.example.com', '--test-recipient', 'postmaster'], { cwd }),
      run(['--non-interactive', '--protocol', 'imap', '--probe-timeout', '301', '--port', '0'], { cwd }),
    ]);
    assertRefused(protocol, '✖ --protocol: protocol must be smtp or smtps\n');
    assertRefused(timeout, '✖ --probe-timeout: probe timeout must be a whole number of seconds from 1 to 300\n');
    assertRefused(recipient, '✖ --test-recipient: test recipient must be one e-mail address, such as admin@example.com\n');
    // Unattended, every refused flag and missing answer at once.
    assertRefused(together, [
      '✖ --probe-timeout: probe timeout must be a whole number of seconds from 1 to 300',
      '✖ --protocol: protocol must be smtp or smtps',
      '✖ --port: port must be a whole number from 1 to 65535',
      '✖ missing mail host: give --host (answers file: "host")',
    ]);
    assert.deepEqual(await listing(cwd), []);
  });

  test('2: an existing file with an invalid value names the file, line and key; it is left as it was', async () => {
    const cwd = await tempFolder();
    const text = '# hand-edited\nmail.transport.protocol=smtp\nmail.smtp.host=mail.example.com\nmail.smtp.port=twenty-five\n';
    await writeFile(join(cwd, 'installer.properties'), text);
    const result = await run([...UNATTENDED, '--reconfigure', '--port', '587'], { cwd });
    assertRefused(result, '✖ installer.properties:4: mail.smtp.port: port must be a whole number from 1 to 65535 (fix or remove this line, then run again)\n');
    assert.equal(await readText(join(cwd, 'installer.properties')), text);
    assert.deepEqual(await listing(cwd), ['installer.properties']);
  });

  test('2: the settings file is a folder', async () => {
    const cwd = await tempFolder();
    await mkdir(join(cwd, 'conf'));
    const result = await run([...UNATTENDED, '--host', 'mail.example.com', '-f', 'conf'], { cwd });
    assertRefused(result, '✖ conf: is a folder, not a settings file: name the file with --file\n');
  });

  test('2: existing settings without --reconfigure suggest --reconfigure or --force; --force replaces them (exit 0)', async () => {
    const cwd = await tempFolder();
    const first = await run([...UNATTENDED, '--host', 'old.example.com'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    const before = await readText(join(cwd, 'installer.properties'));

    const refused = await run([...UNATTENDED, '--host', 'new.example.com'], { cwd });
    assertRefused(refused, '✖ installer.properties already holds outbound e-mail settings: add --reconfigure to change them, or --force to replace them\n');
    assert.equal(await readText(join(cwd, 'installer.properties')), before);

    const forced = await run([...UNATTENDED, '--host', 'new.example.com', '--force'], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    assertEndsWith(forced.stdout, '✔ Wrote installer.properties (mode 0600, owner root:root; the previous version is in installer.properties.bak).\n');
    assert.equal(await readText(join(cwd, 'installer.properties')), before.replace('old.example.com', 'new.example.com'));
    assert.equal(await readText(join(cwd, 'installer.properties.bak')), before);
  });

  test('4: the folder of the file does not exist: said before any answer is looked at; nothing is created', async () => {
    const cwd = await tempFolder();
    // No --host: the missing folder is reported, not the missing answer (that would be lost work).
    const result = await run([...UNATTENDED, '-f', 'missing/installer.properties'], { cwd });
    assert.equal(result.code, 4);
    assert.equal(
      result.stderr,
      '✖ missing/installer.properties cannot be written: the folder missing does not exist; create it or choose another path with --file\n',
    );
    assert.equal(result.stdout, '');
    assert.deepEqual(await listing(cwd), []);
  });

  test('4: the file is a symbolic link; the link and its target are left alone', async () => {
    const cwd = await tempFolder();
    await writeFile(join(cwd, 'real.properties'), '# real\n');
    await symlink('real.properties', join(cwd, 'installer.properties'));
    const result = await run([...UNATTENDED, '--host', 'mail.example.com'], { cwd });
    assert.equal(result.code, 4);
    assert.equal(
      result.stderr,
      `✖ installer.properties is a symbolic link to ${join(cwd, 'real.properties')}; the wizard does not replace a link: run again with --file ${join(cwd, 'real.properties')}\n`,
    );
    assert.equal(await readText(join(cwd, 'real.properties')), '# real\n');
    assert.deepEqual(await listing(cwd), ['installer.properties', 'real.properties']);
  });

  test('4: --write-answers into a missing folder', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--host', 'mail.example.com', '--write-answers', 'missing/answers.json'], { cwd });
    assert.equal(result.code, 4);
    assert.match(
      result.stderr,
      /^✖ --write-answers: cannot write missing\/answers\.json: it is in a folder that does not exist \(missing\); installer\.properties was written$/m,
    );
    assert.equal(await exists(join(cwd, 'missing')), false);
  });
});
