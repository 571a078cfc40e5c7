/** Unattended reconfiguration, --dry-run and --json of the built command. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PLAINTEXT_WARNING } from '../../src/settings/settings.ts';
import { assertEndsWith, assertIncludes, assertRefused, ESCAPED_PASSWORD, PASSWORD, run, UNATTENDED } from '../helpers/cli.ts';
import { assertChangesMatchDiff } from '../helpers/file-diff.ts';
import { listing, readText, tempFolder } from '../helpers/files.ts';
import { propertiesText } from '../helpers/properties-text.ts';

/** An installer.properties an administrator has lived with: comments, other keys, the password stored. */
const EXISTING =
  '# Teaming site settings\r\n' +
  'kablink.site.name=Acme Teaming\r\n' +
  '\r\n' +
  '! outbound mail\r\n' +
  'mail.transport.protocol=smtp\r\n' +
  'mail.smtp.host=mail.example.com\r\n' +
  'mail.smtp.port=587\r\n' +
  'mail.smtp.auth=true\r\n' +
  'mail.smtp.user=teaming@example.com\r\n' +
  `mail.smtp.password=${ESCAPED_PASSWORD}\r\n` +
  'mail.smtp.sendpartial=true\r\n' +
  'mail.smtp.connectiontimeout=20000\r\n' +
  'mail.smtp.ssl.checkserveridentity=true\r\n' +
  'mail.smtp.starttls.enable=true\r\n' +
  'mail.smtp.starttls.required=true\r\n' +
  'notify.timezone=America/New_York\r\n' +
  'mail.allowSendToAllUsers=false\r\n' +
  'kablink.other=unchanged \\\r\n' +
  '    continued\r\n';

async function folderWith(text: string): Promise<string> {
  const cwd = await tempFolder();
  // As the wizard leaves it: 0600 (a 0644 file would be narrowed, and the message would say so).
  await writeFile(join(cwd, 'installer.properties'), text, { encoding: 'latin1', mode: 0o600 });
  return cwd;
}

function assertNoPassword(text: string): void {
  assert.ok(!text.includes('Zq7'), `the password leaked:\n${text}`);
}

/** The change list shown is exactly the diff of the file (see file-diff.ts); returns the file's text. */
async function assertListedDiff(output: string, cwd: string, before: string, name = 'installer.properties'): Promise<string> {
  const after = await readText(join(cwd, name));
  assertChangesMatchDiff(output, name, before, after);
  return after;
}

/** For a dry run: the change list against the preview it printed (passwords masked on both sides). */
function assertPreviewDiff(output: string, before: string, preview: string): void {
  assertChangesMatchDiff(output, 'installer.properties', before, preview, { masked: true });
}

/** The preview a dry run printed (it ends where the file would: the output trims the last line end). */
function printedPreview(stdout: string, eol = '\r\n'): string {
  const heading = 'installer.properties would hold (dry run, nothing written):\n';
  return stdout.slice(stdout.indexOf(heading) + heading.length).replace(/\n$/, '') + eol;
}

describe('--reconfigure --non-interactive: the existing file supplies the defaults', { concurrency: true }, () => {
  test('changing only --port changes only the port line; every other byte stays', async () => {
    const cwd = await folderWith(EXISTING);
    const result = await run([...UNATTENDED, '--reconfigure', '--port', '2525'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await assertListedDiff(result.stdout, cwd, EXISTING), EXISTING.replace('mail.smtp.port=587\r\n', 'mail.smtp.port=2525\r\n'));
    assert.equal(await readText(join(cwd, 'installer.properties.bak')), EXISTING);
    assert.ok(result.stdout.includes('\nChanges to installer.properties\n  Port  587 → 2525\n\n'), result.stdout);
    assertEndsWith(result.stdout, '✔ Wrote installer.properties (mode 0600, owner root:root; the previous version is in installer.properties.bak).\n');
    assertNoPassword(result.stdout + result.stderr);
  });

  test('--port 587 on a plain port-25 server also turns STARTTLS on (as the question would suggest)', async () => {
    const before = EXISTING.replace('mail.smtp.port=587', 'mail.smtp.port=25').replace('starttls.enable=true', 'starttls.enable=false');
    const cwd = await folderWith(before);
    const result = await run([...UNATTENDED, '--reconfigure', '--port', '587'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assertIncludes(result.stdout, '\nChanges to installer.properties\n  Port      25 → 587\n  STARTTLS  no → yes\n\n');
    assert.equal(await assertListedDiff(result.stdout, cwd, before), EXISTING);
  });

  test('no flags: nothing changes and the file is not written', async () => {
    const cwd = await folderWith(EXISTING);
    const result = await run([...UNATTENDED, '--reconfigure'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assertIncludes(result.stdout, '\nChanges to installer.properties\n  (no changes)\n');
    assertEndsWith(result.stdout, '✔ Nothing changed; installer.properties was not written.\n');
    assert.equal(await assertListedDiff(result.stdout, cwd, EXISTING), EXISTING);
    assert.deepEqual(await listing(cwd), ['installer.properties']);
  });

  test('a new password from TEAMING_MAIL_PASSWORD replaces only the password line', async () => {
    const cwd = await folderWith(EXISTING);
    const result = await run([...UNATTENDED, '--reconfigure'], { cwd, env: { TEAMING_MAIL_PASSWORD: 'new-Secret' } });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes('  Password  •••••• → a new password\n'), result.stdout);
    assert.equal(
      await assertListedDiff(result.stdout, cwd, EXISTING),
      EXISTING.replace(`mail.smtp.password=${ESCAPED_PASSWORD}\r\n`, 'mail.smtp.password=new-Secret\r\n'),
    );
    assert.ok(!result.stdout.includes('new-Secret'), 'the password leaked');
  });

  test('--reconfigure on a file without outbound settings warns and asks for the missing answers', async () => {
    const cwd = await folderWith('# nothing yet\n');
    const result = await run([...UNATTENDED, '--reconfigure'], { cwd });
    assertRefused(
      result,
      '! installer.properties holds no outbound e-mail settings yet; starting a new configuration.\n' +
        '✖ missing mail host: give --host (answers file: "host")\n',
    );
  });
});

describe('--dry-run writes nothing', { concurrency: true }, () => {
  test('a new file: prints the file it would write, password masked; the folder stays empty', async () => {
    const cwd = await tempFolder();
    const args = [...UNATTENDED, '--dry-run', '--host', 'mail.example.com', '--auth', '--username', 'teaming'];
    const result = await run(args, { cwd, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
    assert.equal(result.code, 0, result.stderr);
    // Authentication without STARTTLS on 25: the last word names the risk (issue 14).
    assert.equal(
      result.stderr,
      `! With these settings ${PLAINTEXT_WARNING}. To protect it: teaming-mail-setup --reconfigure -f installer.properties, then turn STARTTLS on or choose SMTPS.\n`,
    );
    assert.ok(
      result.stdout.endsWith(
        'installer.properties would hold (dry run, nothing written):\n' +
          propertiesText({
            'mail.transport.protocol': 'smtp',
            'mail.smtp.host': 'mail.example.com',
            'mail.smtp.port': '25',
            'mail.smtp.auth': 'true',
            'mail.smtp.user': 'teaming',
            'mail.smtp.password': '••••••',
            'mail.smtp.sendpartial': 'true',
            'mail.smtp.connectiontimeout': '15000',
            'mail.smtp.ssl.checkserveridentity': 'true',
            'mail.smtp.starttls.enable': 'false',
            'mail.smtp.starttls.required': 'false',
            'notify.timezone': 'America/Chicago',
            'mail.allowSendToAllUsers': 'true',
          }),
      ),
      result.stdout,
    );
    assertNoPassword(result.stdout);
    assert.deepEqual(await listing(cwd), []);
  });

  test('reconfiguring: shows what changes and the new file; the file bytes and the folder are unchanged', async () => {
    const cwd = await folderWith(EXISTING);
    const result = await run([...UNATTENDED, '--reconfigure', '--dry-run', '--host', 'relay.example.com', '--no-auth'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      result.stdout.includes(
        '\nChanges to installer.properties\n' + '  Mail host       mail.example.com → relay.example.com\n' + '  Authentication  yes → no\n',
      ),
      result.stdout,
    );
    assertIncludes(result.stdout, '\nmail.smtp.host=relay.example.com\r\nmail.smtp.port=587\r\nmail.smtp.auth=false\r\nmail.smtp.sendpartial=true\r\n');
    assertPreviewDiff(result.stdout, EXISTING, printedPreview(result.stdout));
    assertNoPassword(result.stdout);
    assert.equal(await readText(join(cwd, 'installer.properties')), EXISTING);
    assert.deepEqual(await listing(cwd), ['installer.properties']);
  });

  test('switching protocol: the password the other protocol left in the file is masked too', async () => {
    const cwd = await folderWith(EXISTING);
    const result = await run([...UNATTENDED, '--reconfigure', '--dry-run', '--protocol', 'smtps'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes('mail.smtps.port=465\r\n'), result.stdout);
    assert.ok(result.stdout.includes('\nmail.smtps.password=••••••\r\n'), result.stdout);
    assert.ok(result.stdout.includes('\nmail.smtp.password=••••••\r\n'), result.stdout);
    // No SMTPS keys yet: they start from the SMTP server and account, each one listed.
    assertIncludes(
      result.stdout,
      '\nChanges to installer.properties\n' +
        '  Protocol                                                SMTP → SMTPS\n' +
        '  SMTPS mail host                                         (not set) → mail.example.com\n' +
        '  SMTPS port                                              (not set) → 465\n' +
        '  SMTPS authentication                                    (not set) → yes\n' +
        '  SMTPS user name                                         (not set) → teaming@example.com\n' +
        '  SMTPS password                                          (not set) → ••••••\n' +
        '  SMTPS connection timeout                                (not set) → 20 s\n' +
        '  Server name check (mail.smtps.ssl.checkserveridentity)  (not set) → yes\n' +
        '  mail.smtps.sendpartial                                  (not set) → true\n\n',
    );
    assertPreviewDiff(result.stdout, EXISTING, printedPreview(result.stdout));
    assertNoPassword(result.stdout);
    assert.equal(await readText(join(cwd, 'installer.properties')), EXISTING);
  });
});

describe('--json: one JSON document on stdout, messages on stderr', { concurrency: true }, () => {
  test('written: result, file, changes, settings (password masked), probe, exit code', async () => {
    const cwd = await tempFolder();
    const args = [...UNATTENDED, '--json', '--host', 'mail.example.com', '--auth', '--username', 'teaming'];
    const result = await run(args, { cwd, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout);
    assert.equal(document.result, 'written');
    assert.equal(document.file, 'installer.properties');
    assert.equal(document.exitCode, 0);
    assert.equal(document.probe, null);
    assert.deepEqual(document.settings, {
      protocol: 'smtp',
      host: 'mail.example.com',
      port: 25,
      starttls: false,
      timeZone: 'America/Chicago',
      auth: true,
      username: 'teaming',
      password: '••••••',
      allowSendToAllUsers: true,
      connectionTimeoutMs: 15000,
    });
    assert.deepEqual(document.changes[1], { setting: 'host', label: 'Mail host', from: '(not set)', to: 'mail.example.com' });
    assert.equal(document.changes.length, 10);
    assert.ok(result.stderr.includes('\nOutbound e-mail\n  Protocol'), result.stderr);
    assert.equal(document.passwordUnencrypted, true);
    assertEndsWith(
      result.stderr,
      `✔ Wrote installer.properties (mode 0600, owner root:root).\n! With these settings ${PLAINTEXT_WARNING}. To protect it: teaming-mail-setup --reconfigure -f installer.properties, then turn STARTTLS on or choose SMTPS.\n`,
    );
    assertNoPassword(result.stdout + result.stderr);
  });

  test('reconfigure dry run: the changes and the masked preview', async () => {
    const cwd = await folderWith(EXISTING);
    const result = await run([...UNATTENDED, '--json', '--reconfigure', '--dry-run', '--port', '2525'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout);
    assert.equal(document.result, 'dry-run');
    assert.deepEqual(document.changes, [{ setting: 'port', key: 'mail.smtp.port', label: 'Port', from: '587', to: '2525' }]);
    assert.equal(
      document.preview,
      EXISTING.replace('mail.smtp.port=587', 'mail.smtp.port=2525').replace(`mail.smtp.password=${ESCAPED_PASSWORD}`, 'mail.smtp.password=••••••'),
    );
    // With --json the change list goes to stderr.
    assertChangesMatchDiff(result.stderr, 'installer.properties', EXISTING, document.preview, { masked: true });
    assertNoPassword(result.stdout + result.stderr);
    assert.equal(await readText(join(cwd, 'installer.properties')), EXISTING);
  });

  test('an error: the document says so, the messages go to stderr', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--json', '--auth'], { cwd });
    assert.equal(result.code, 2);
    assert.deepEqual(JSON.parse(result.stdout), {
      result: 'error',
      exitCode: 2,
      errors: ['missing mail host: give --host (answers file: "host")', 'missing user name: give --username (answers file: "username")'],
    });
    assert.equal(result.stderr, '✖ missing mail host: give --host (answers file: "host")\n✖ missing user name: give --username (answers file: "username")\n');
  });

  test('a usage error found while reading the command line: still one document', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--json', '--port'], { cwd });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "error: option '--port <port>' argument missing\n");
    assert.deepEqual(JSON.parse(result.stdout), { result: 'error', exitCode: 2, errors: ["option '--port <port>' argument missing"] });
  });
});

describe('--write-answers saves a replayable answers file, never the password', { concurrency: true }, () => {
  test('the saved file holds every answer; replaying it elsewhere writes the same settings file', async () => {
    const [first, second] = await Promise.all([tempFolder(), tempFolder()]);
    const args = ['--host', 'mail.example.com', '--port', '587', '--auth', '--username', 'teaming', '--no-allow-all-users', '--connection-timeout', '45'];
    const env = { TEAMING_MAIL_PASSWORD: PASSWORD };
    const saved = await run([...UNATTENDED, ...args, '--write-answers', 'answers.json'], { cwd: first, env });
    assert.equal(saved.code, 0, saved.stderr);
    assertEndsWith(saved.stdout, '✔ Wrote installer.properties (mode 0600, owner root:root).\n✔ Saved the answers to answers.json (without the password).\n');
    const answers = await readFile(join(first, 'answers.json'), 'utf8');
    assert.equal(
      answers,
      JSON.stringify(
        {
          protocol: 'smtp',
          host: 'mail.example.com',
          port: 587,
          starttls: true,
          timeZone: 'America/Chicago',
          auth: true,
          username: 'teaming',
          allowSendToAllUsers: false,
          connectionTimeout: 45,
        },
        null,
        2,
      ) + '\n',
    );
    assertNoPassword(answers);

    await writeFile(join(second, 'answers.json'), answers);
    const replayed = await run([...UNATTENDED, '--answers', 'answers.json'], { cwd: second, env });
    assert.equal(replayed.code, 0, replayed.stderr);
    const written = await readText(join(first, 'installer.properties'));
    assertIncludes(written, `mail.smtp.password=${ESCAPED_PASSWORD}\n`);
    assert.equal(await readText(join(second, 'installer.properties')), written);
  });
});

/** Both protocols stored: SMTP in use, an SMTPS account kept from an earlier setup (no port, no timeout). */
const BOTH_PROTOCOLS = propertiesText(
  {
    'mail.transport.protocol': 'smtp',
    'mail.smtp.host': 'mail.example.com',
    'mail.smtp.port': '25',
    'mail.smtp.auth': 'false',
    'mail.smtp.sendpartial': 'true',
    'mail.smtp.connectiontimeout': '15000',
    'mail.smtp.starttls.enable': 'false',
    'mail.smtps.host': 'smtps.example.com',
    'mail.smtps.auth': 'true',
    'mail.smtps.user': 'notify@example.com',
    'mail.smtps.password': 'smtps-Secret',
    'notify.timezone': 'America/New_York',
    'mail.allowSendToAllUsers': 'true',
  },
  { header: false },
);

/** Read and compared as bytes (latin1), as readText reads the written file. */
const FIXTURE_XML = readFile(new URL('../fixtures/installer.xml', import.meta.url), 'latin1');

async function folderWithXml(text: string): Promise<string> {
  const cwd = await tempFolder();
  await writeFile(join(cwd, 'installer.xml'), text, { encoding: 'latin1', mode: 0o600 });
  return cwd;
}

describe('--reconfigure switching protocol: each protocol keeps its own keys', { concurrency: true }, () => {
  test('installer.properties: SMTPS takes the stored SMTPS account; the SMTP keys stay; every changed key is listed', async () => {
    const cwd = await folderWith(BOTH_PROTOCOLS);
    const result = await run([...UNATTENDED, '--reconfigure', '--protocol', 'smtps'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assertIncludes(
      result.stdout,
      '\nChanges to installer.properties\n' +
        '  Protocol                                                SMTP → SMTPS\n' +
        '  SMTPS port                                              (not set) → 465\n' +
        '  SMTPS connection timeout                                (not set) → 15 s\n' +
        '  Server name check (mail.smtps.ssl.checkserveridentity)  (not set) → yes\n' +
        '  mail.smtps.sendpartial                                  (not set) → true\n\n',
    );
    const written = await assertListedDiff(result.stdout, cwd, BOTH_PROTOCOLS);
    assert.equal(
      written,
      BOTH_PROTOCOLS.replace('protocol=smtp\n', 'protocol=smtps\n')
        .replace('mail.smtps.host=smtps.example.com\n', 'mail.smtps.host=smtps.example.com\nmail.smtps.port=465\n')
        .replace(
          'mail.smtps.password=smtps-Secret\n',
          'mail.smtps.password=smtps-Secret\nmail.smtps.sendpartial=true\nmail.smtps.connectiontimeout=15000\nmail.smtps.ssl.checkserveridentity=true\n',
        ),
    );
    assert.ok(!result.stdout.includes('smtps-Secret'), 'the password leaked');
  });

  test('installer.properties: switching back to SMTP with a new port keeps the SMTPS keys byte for byte', async () => {
    const before = BOTH_PROTOCOLS.replace('protocol=smtp\n', 'protocol=smtps\n');
    const cwd = await folderWith(before);
    const result = await run([...UNATTENDED, '--reconfigure', '--protocol', 'smtp', '--port', '587'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assertIncludes(
      result.stdout,
      '\nChanges to installer.properties\n' +
        '  Protocol                                               SMTPS → SMTP\n' +
        '  SMTP port                                              25 → 587\n' +
        '  SMTP STARTTLS                                          no → yes\n' +
        '  STARTTLS required (mail.smtp.starttls.required)        (not set) → yes\n' +
        '  Server name check (mail.smtp.ssl.checkserveridentity)  (not set) → yes\n\n',
    );
    const written = await assertListedDiff(result.stdout, cwd, before);
    assert.equal(
      written,
      BOTH_PROTOCOLS.replace('mail.smtp.port=25\n', 'mail.smtp.port=587\n').replace(
        'mail.smtp.starttls.enable=false\n',
        'mail.smtp.ssl.checkserveridentity=true\nmail.smtp.starttls.enable=true\nmail.smtp.starttls.required=true\n',
      ),
    );
  });

  test("installer.xml: SMTPS takes the Resource's smtps attributes; the smtp attributes stay; every changed attribute is listed", async () => {
    const before = await FIXTURE_XML;
    const cwd = await folderWithXml(before);
    const result = await run([...UNATTENDED, '--reconfigure', '-f', 'installer.xml', '--protocol', 'smtps'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assertIncludes(result.stdout, '  Mail host                   smtps.example.com\n');
    assertIncludes(result.stdout, '  User name                   teaming@example.com\n');
    assertIncludes(
      result.stdout,
      '\nChanges to installer.xml\n' +
        '  Protocol                                                SMTP → SMTPS\n' +
        '  SMTPS connection timeout                                (not set) → 15 s\n' +
        '  Server name check (mail.smtps.ssl.checkserveridentity)  (not set) → yes\n\n',
    );
    const written = await assertListedDiff(result.stdout, cwd, before, 'installer.xml');
    assert.equal(
      written,
      before
        .replace('<Resource mail.transport.protocol="smtp"', '<Resource mail.transport.protocol="smtps"')
        .replace(
          'mail.smtps.sendpartial="true" />',
          'mail.smtps.sendpartial="true"\n        mail.smtps.connectiontimeout="15000"\n        mail.smtps.ssl.checkserveridentity="true" />',
        ),
    );
  });
});

describe('--reconfigure: the whole file is read before the first question', { concurrency: true }, () => {
  test('an invalid value of the other protocol is refused with its line, before anything is asked or written', async () => {
    const before = BOTH_PROTOCOLS.replace('mail.smtps.auth=true\n', 'mail.smtps.port=four-six-five\nmail.smtps.auth=true\n');
    const cwd = await folderWith(before);
    const result = await run([...UNATTENDED, '--reconfigure', '--port', '2525'], { cwd });
    assertRefused(result, '✖ installer.properties:9: mail.smtps.port: port must be a whole number from 1 to 65535 (fix or remove this line, then run again)\n');
    assert.equal(await readText(join(cwd, 'installer.properties')), before);
    assert.deepEqual(await listing(cwd), ['installer.properties']);
  });
});

describe('installer.xml with DOCTYPE entities', { concurrency: true }, () => {
  const withEntities = (host: string, extra = '') =>
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE InstallerConfig [\n  <!ENTITY site "Acme Teaming">\n  <!ENTITY block "<Note>x</Note>">\n]>\n' +
    '<InstallerConfig title="&site;">\n' +
    `  <Network name="&site; network"/>${extra}\n` +
    '  <EmailSettings>\n' +
    '    <Outbound defaultTZ="UTC" allowSendToAllUsers="true">\n' +
    `      <Resource mail.transport.protocol="smtp" mail.smtp.host="${host}" mail.smtp.port="25" mail.smtp.auth="false"\n` +
    '        mail.smtp.sendpartial="true" mail.smtp.connectiontimeout="15000" mail.smtp.starttls.enable="false"\n' +
    '        mail.smtp.starttls.required="false" mail.smtp.ssl.checkserveridentity="true" />\n' +
    '    </Outbound>\n' +
    '  </EmailSettings>\n' +
    '</InstallerConfig>\n';

  test('entities used outside the e-mail settings: read, and kept byte for byte', async () => {
    const before = withEntities('mail.example.com');
    const cwd = await folderWithXml(before);
    const result = await run([...UNATTENDED, '--reconfigure', '-f', 'installer.xml', '--port', '2525'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assertIncludes(result.stdout, '\nChanges to installer.xml\n  Port  25 → 2525\n\n');
    assert.equal(await assertListedDiff(result.stdout, cwd, before, 'installer.xml'), before.replace('mail.smtp.port="25"', 'mail.smtp.port="2525"'));
  });

  test('an entity inside a managed attribute is refused as such (not as "not well-formed"); the file stays', async () => {
    const before = withEntities('&site;');
    const cwd = await folderWithXml(before);
    const result = await run([...UNATTENDED, '--reconfigure', '-f', 'installer.xml', '--port', '2525'], { cwd });
    assertRefused(
      result,
      '✖ installer.xml:10:63: uses DOCTYPE entities, which the wizard does not expand: <Resource> attribute mail.smtp.host holds the reference &site; — write the value itself there, then run again\n',
    );
    assert.equal(await readText(join(cwd, 'installer.xml')), before);
  });

  test('an entity that may stand for elements is refused wherever it is used', async () => {
    const before = withEntities('mail.example.com', '\n  &block;');
    const cwd = await folderWithXml(before);
    const result = await run([...UNATTENDED, '--reconfigure', '-f', 'installer.xml', '--port', '2525'], { cwd });
    assertRefused(
      result,
      '✖ installer.xml:8:3: uses DOCTYPE entities, which the wizard does not expand: &block; may stand for elements (its declaration holds markup or names another file): write out what it stands for, then run again\n',
    );
    assert.equal(await readText(join(cwd, 'installer.xml')), before);
  });
});
