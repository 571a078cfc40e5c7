/** On a terminal, flags answer their questions in advance: with every answer given, only "Write …?" is asked. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { listing, readText, tempFolder } from '../helpers/files.ts';
import { spawnCli } from '../helpers/pty.ts';
import { propertiesText } from '../helpers/properties-text.ts';

const ALL_ANSWERS = [
  '--no-probe',
  '--protocol',
  'smtp',
  '--host',
  'mail.example.com',
  '--port',
  '25',
  '--no-starttls',
  '--time-zone',
  'UTC',
  '--no-auth',
  '--no-allow-all-users',
  '--connection-timeout',
  '20',
];

/** Runs on a pseudo-terminal, answering each prompt that matches with its keys; the screen is the raw output. */
async function runOnTerminal(args: string[], cwd: string, env: Record<string, string>, answers: [RegExp, string][]): Promise<{ code: number; screen: string }> {
  const run = spawnCli(args, { cwd, cols: 120, env });
  for (const [prompt, keys] of answers) {
    await run.waitFor(prompt);
    run.type(keys);
  }
  const code = await run.exit();
  return { code, screen: run.raw };
}

describe('flags on a terminal', { concurrency: true }, () => {
  test('every answer as a flag: the summary sheet, then the only question is whether to write', async () => {
    const cwd = await tempFolder();
    const { code, screen } = await runOnTerminal(ALL_ANSWERS, cwd, { NO_COLOR: '1' }, [[/Cancel/, '\r']]);
    assert.equal(code, 0, screen);
    const beforeQuestion = screen.slice(0, screen.indexOf('? Write installer.properties?'));
    assert.equal(
      beforeQuestion,
      'Outbound e-mail for Kablink Teaming: installer.properties\r\n' +
        'Nothing is written until you confirm the summary; Ctrl+C cancels at any question.\r\n' +
        '\r\nOutbound e-mail\r\n' +
        '  Protocol                    SMTP\r\n' +
        '  Mail host                   mail.example.com\r\n' +
        '  Port                        25\r\n' +
        '  STARTTLS                    no\r\n' +
        '  Time zone                   UTC\r\n' +
        '  Authentication              no\r\n' +
        '  Allow sending to All Users  no\r\n' +
        '  Connection timeout          20 s\r\n' +
        '\r\n',
    );
    assert.ok(screen.endsWith('✔ Wrote installer.properties (mode 0600, owner root:root).\r\n'), screen);
    assert.equal(
      await readText(join(cwd, 'installer.properties')),
      propertiesText({
        'mail.transport.protocol': 'smtp',
        'mail.smtp.host': 'mail.example.com',
        'mail.smtp.port': '25',
        'mail.smtp.auth': 'false',
        'mail.smtp.sendpartial': 'true',
        'mail.smtp.connectiontimeout': '20000',
        'mail.smtp.ssl.checkserveridentity': 'true',
        'mail.smtp.starttls.enable': 'false',
        'mail.smtp.starttls.required': 'false',
        'notify.timezone': 'UTC',
        'mail.allowSendToAllUsers': 'false',
      }),
    );
  });

  test('without --host: the mail host is the first and only answer asked before writing', async () => {
    const cwd = await tempFolder();
    const args = ALL_ANSWERS.filter((arg, index) => arg !== '--host' && ALL_ANSWERS[index - 1] !== '--host');
    const { code, screen } = await runOnTerminal(args, cwd, { NO_COLOR: '1' }, [
      [/\? Mail host/, 'relay.example.com\r'],
      [/Cancel/, '\r'],
    ]);
    assert.equal(code, 0, screen);
    assert.match(screen, /\? Mail host/);
    assert.match(screen, /\? Write installer\.properties\?/);
    for (const question of [
      'Outbound e-mail protocol',
      'Port',
      'Use STARTTLS?',
      'Time zone for notifications',
      'Does the mail server',
      'Allow users to send',
    ]) {
      assert.ok(!screen.includes(`? ${question}`), `asked "${question}" although its flag answered it:\n${screen}`);
    }
    assert.match(await readText(join(cwd, 'installer.properties')), /^mail\.smtp\.host=relay\.example\.com$/m);
  });

  test('--password-stdin with stdin on the terminal: says how to pipe it, exit 2, never waits', async () => {
    const cwd = await tempFolder();
    const args = ['--non-interactive', '--no-probe', '--host', 'mail.example.com', '--auth', '--username', 'teaming', '--password-stdin'];
    const { code, screen } = await runOnTerminal(args, cwd, { NO_COLOR: '1' }, []);
    assert.equal(code, 2);
    assert.equal(
      screen,
      '✖ --password-stdin needs --non-interactive and the password piped in: printf %s "$PASSWORD" | teaming-mail-setup --password-stdin --non-interactive …\r\n',
    );
    assert.deepEqual(await listing(cwd), []);
  });

  test('on a terminal the messages are coloured, unless NO_COLOR', async () => {
    const [coloured, plain] = await Promise.all([tempFolder(), tempFolder()]);
    const [withColour, without] = await Promise.all([
      runOnTerminal(ALL_ANSWERS, coloured, {}, [[/Cancel/, '\r']]),
      runOnTerminal(ALL_ANSWERS, plain, { NO_COLOR: '1' }, [[/Cancel/, '\r']]),
    ]);
    const sgr = /\u001b\[\d+(;\d+)*m/;
    assert.match(withColour.screen, sgr);
    assert.doesNotMatch(without.screen, sgr, without.screen);
  });
});
