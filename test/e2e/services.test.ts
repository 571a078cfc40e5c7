/**
 * The service menu, "Where does the mail go?", driven in a real pseudo-terminal as an administrator
 * would (without the mail server check: the services are not on loopback): the preset's questions
 * are skipped, the service's conventions are said, the summary names it, and the exact bytes written.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { presetFile } from '../helpers/service-files.ts';
import { answer, choose, confirm, spawnCli, type PtyRun } from '../helpers/pty.ts';

let folder: string;
let runs: PtyRun[] = [];

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'teaming-mail-services-'));
});

afterEach(async () => {
  for (const run of runs) run.kill();
  runs = [];
  await rm(folder, { recursive: true, force: true });
});

function start(...args: string[]): PtyRun {
  const run = spawnCli(['--no-probe', '--time-zone', 'UTC', ...args], { cwd: folder });
  runs.push(run);
  return run;
}

describe('the service menu in a real terminal', () => {
  test('SendGrid: only the API key and All Users are asked; "apikey" is the user name; the summary names SendGrid', async () => {
    const run = start();
    await choose(run, 'Where does the mail go?', 'SendGrid', 'down', 6);
    await run.waitFor('SendGrid: smtp.sendgrid.net, port 587, SMTP with STARTTLS, user name "apikey".\n');
    await run.waitFor('Login: the user name is literally "apikey"; the password is a SendGrid API key with the Mail Send permission.\n');
    await answer(run, 'Password', 'SG.x1', { echo: '•••••' });
    // "apikey" is no address, and SendGrid takes only a verified sender: the sender is asked.
    await answer(run, 'Sender address of notifications', 'teaming@example.com');
    await confirm(run, 'Allow users to send e-mail to the All Users group?', 'Yes');
    await run.waitFor(
      [
        'Outbound e-mail',
        '  Mail service                SendGrid',
        '  Protocol                    SMTP',
        '  Mail host                   smtp.sendgrid.net',
        '  Port                        587',
        '  STARTTLS                    yes',
        '  Time zone                   UTC',
        '  Authentication              yes',
        '  User name                   apikey',
        '  Password                    ••••••',
      ].join('\n'),
    );
    await choose(run, 'Write installer.properties?', 'Write it');
    assert.equal(await run.exit(), 0);
    for (const question of ['Outbound e-mail protocol', 'Mail host', 'Port', 'Use STARTTLS?', 'Does the mail server', 'User name or e-mail address']) {
      assert.ok(!run.text().includes(`? ${question}`), `asked "${question}" although the preset answered it:\n${run.text()}`);
    }
    assert.equal(
      await readFile(join(folder, 'installer.properties'), 'latin1'),
      `${presetFile({ protocol: 'smtp', host: 'smtp.sendgrid.net', port: 587, login: { user: 'apikey', password: 'SG.x1' } })}ssf.outgoing.from.address=teaming@example.com\n`,
    );
  });

  test("Microsoft 365 connector relay: the tenant's host is the one endpoint question; no login", async () => {
    const run = start();
    await choose(run, 'Where does the mail go?', 'Microsoft 365 connector relay', 'down', 2);
    await run.waitFor("Host: your tenant's MX endpoint, <tenant>.mail.protection.outlook.com");
    await answer(run, 'Mail host', 'contoso-com.mail.protection.outlook.com');
    await confirm(run, 'Allow users to send e-mail to the All Users group?', 'Yes');
    await run.waitFor('  Mail service                Microsoft 365 connector relay\n');
    await choose(run, 'Write installer.properties?', 'Write it');
    assert.equal(await run.exit(), 0);
    assert.ok(!run.text().includes('? Does the mail server'), run.text());
    assert.equal(
      await readFile(join(folder, 'installer.properties'), 'latin1'),
      presetFile({ protocol: 'smtp', host: 'contoso-com.mail.protection.outlook.com', port: 25 }),
    );
  });
});
