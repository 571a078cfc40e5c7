/** --answers FILE: validated by the same schemas as flags and prompts, strict about its keys, overridden by flags. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertRefused, run, type RunResult, UNATTENDED } from '../helpers/cli.ts';
import { listing, readText, tempFolder } from '../helpers/files.ts';
import { propertiesText } from '../helpers/properties-text.ts';

async function withAnswers(content: string, flags: string[] = []): Promise<{ cwd: string; result: RunResult }> {
  const cwd = await tempFolder();
  await writeFile(join(cwd, 'answers.json'), content);
  const result = await run([...UNATTENDED, '--answers', 'answers.json', ...flags], { cwd });
  return { cwd, result };
}

const VALID = {
  protocol: 'smtps',
  host: 'smtp.example.org',
  port: 2465,
  timeZone: 'Europe/Paris',
  auth: true,
  username: 'notify@example.org',
  allowSendToAllUsers: false,
  connectionTimeout: 5,
};

describe('--answers FILE', { concurrency: true }, () => {
  test('a valid file answers every question', async () => {
    const { cwd, result } = await withAnswers(JSON.stringify(VALID));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(
      await readText(join(cwd, 'installer.properties')),
      propertiesText({
        'mail.transport.protocol': 'smtps',
        'mail.smtps.host': 'smtp.example.org',
        'mail.smtps.port': '2465',
        'mail.smtps.auth': 'true',
        'mail.smtps.user': 'notify@example.org',
        'mail.smtps.sendpartial': 'true',
        'mail.smtps.connectiontimeout': '5000',
        'mail.smtps.ssl.checkserveridentity': 'true',
        'notify.timezone': 'Europe/Paris',
        'mail.allowSendToAllUsers': 'false',
      }),
    );
  });

  test('flags override the file', async () => {
    const { cwd, result } = await withAnswers(JSON.stringify(VALID), ['--host', 'relay.example.org', '--no-auth', '--connection-timeout', '60']);
    assert.equal(result.code, 0, result.stderr);
    const text = await readText(join(cwd, 'installer.properties'));
    assert.match(
      text,
      /^mail\.smtps\.host=relay\.example\.org\nmail\.smtps\.port=2465\nmail\.smtps\.auth=false\nmail\.smtps\.sendpartial=true\nmail\.smtps\.connectiontimeout=60000\n/m,
    );
    assert.doesNotMatch(text, /notify@example\.org/);
  });

  test('an unknown key is refused with the nearest known key; nothing is written', async () => {
    const { cwd, result } = await withAnswers(JSON.stringify({ hostname: 'mail.example.com', 'allow-all-users': false, time_zone: 'UTC', colour: 'blue' }));
    assertRefused(
      result,
      '✖ answers.json: unknown key "hostname"; did you mean "host"?\n' +
        '✖ answers.json: unknown key "allow-all-users"; did you mean "allowSendToAllUsers"?\n' +
        '✖ answers.json: unknown key "time_zone"; did you mean "timeZone"?\n' +
        '✖ answers.json: unknown key "colour"; known keys: protocol, host, port, starttls, timeZone, auth, username, allowSendToAllUsers, connectionTimeout\n' +
        '✖ missing mail host: give --host (answers file: "host")\n',
    );
    assert.deepEqual(await listing(cwd), ['answers.json']);
  });

  test('values of the wrong type or out of range: one line each, naming the key', async () => {
    const { result } = await withAnswers(
      JSON.stringify({ host: 42, port: 'abc', starttls: 'sometimes', timeZone: 'Mars/Base', auth: 1, connectionTimeout: 1.5 }),
    );
    assertRefused(
      result,
      '✖ answers.json: host: host must be text\n' +
        '✖ answers.json: port: port must be a whole number from 1 to 65535\n' +
        '✖ answers.json: starttls: starttls must be true or false\n' +
        '✖ answers.json: timeZone: time zone must be an IANA zone name such as America/New_York or Europe/Berlin\n' +
        '✖ answers.json: auth: auth must be true or false\n' +
        '✖ answers.json: connectionTimeout: connection timeout must be a whole number of seconds from 1 to 600\n',
    );
  });

  test('a password key is refused, and its value never printed', async () => {
    const { result } = await withAnswers(JSON.stringify({ host: 'mail.example.com', password: 'Zq7-in-the-file' }));
    assertRefused(
      result,
      '✖ answers.json: password does not belong in an answers file; give it with --password-file, --password-stdin or TEAMING_MAIL_PASSWORD\n',
    );
    assert.ok(!result.stdout.includes('Zq7') && !result.stderr.includes('Zq7'), 'the password leaked');
  });

  test('invalid JSON: exit 2, naming the file and where it breaks', async () => {
    const { result } = await withAnswers('{"host": "mail.example.com",}');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^✖ --answers: answers\.json is not valid JSON: .*position 28.*\n$/);
  });

  test('JSON that is not one object', async () => {
    const { result } = await withAnswers('["mail.example.com"]', ['--host', 'mail.example.com']);
    assertRefused(result, '✖ answers.json: the answers file must hold one JSON object, such as {"host": "mail.example.com"}\n');
  });

  test('a file that does not exist', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--answers', 'nope.json'], { cwd });
    assertRefused(result, '✖ --answers: cannot read nope.json: it does not exist\n');
  });
});
