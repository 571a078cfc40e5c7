/**
 * `demo` through a real pseudo-terminal: every default accepted, the embedded server's stages, the
 * file written into the demo's temporary folder, the message the server received; and Ctrl+C,
 * after which the command must end (the embedded server closed), not hang.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { timeStampPreview } from '../../src/settings/time-zones.ts';
import { exists } from '../helpers/files.ts';
import { answer, choose, confirm, spawnCli, type PtyRun } from '../helpers/pty.ts';

let runs: PtyRun[] = [];
/** The demo's temporary folders, removed after each test. */
let folders: string[] = [];

afterEach(async () => {
  for (const run of runs) run.kill();
  runs = [];
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  folders = [];
});

/** `demo` in a terminal; resolves once it has said where it writes (that folder is removed afterwards). */
async function startDemo(): Promise<{ run: PtyRun; file: string; port: string; password: string }> {
  const run = spawnCli(['demo']);
  runs.push(run);
  const listening = await run.waitFor(/A demo mail server is listening on 127\.0\.0\.1:\d+ \(STARTTLS, self-signed certificate, AUTH\)\.\n/);
  await run.waitFor('  user name  teaming@demo.test\n');
  const password = (await run.waitFor(/ {2}password {3}\S+ {3}\(a throw-away password for this demo only\)\n/)).split(/\s+/)[2]!;
  const writes = await run.waitFor(/The wizard writes (\/\S+\/installer\.properties); its answers default to the demo server\. Press Enter to accept them\.\n/);
  const file = /writes (\S+);/.exec(writes)![1]!;
  folders.push(dirname(file));
  return { run, file, port: /:(\d+) /.exec(listening)![1]!, password };
}

/** Enter at every question: the demo server's answers, and the terminal's time zone. */
async function acceptDefaults(run: PtyRun, port: string): Promise<void> {
  await choose(run, 'Outbound e-mail protocol', 'SMTP');
  await answer(run, 'Mail host', '', { shown: 'localhost' });
  await answer(run, 'Port', '', { shown: port });
  await confirm(run, 'Use STARTTLS?', 'Yes');
  await choose(run, 'Time zone for notifications', 'Eastern Time (America/New_York)'); // TZ of the terminal
  await confirm(run, 'Does the mail server require authentication?', 'Yes');
  await answer(run, 'User name or e-mail address', '', { shown: 'teaming@demo.test' });
  await run.waitFor('Leave blank to keep the current password.');
  await answer(run, 'Password');
  await confirm(run, 'Allow users to send e-mail to the All Users group?', 'Yes');
}

describe('demo in a real terminal', () => {
  test('every default accepted: the check passes, the file is written, the received message is shown', async () => {
    const { run, file, port, password } = await startDemo();
    const pem = join(dirname(file), 'installer-mail-server.pem');
    await acceptDefaults(run, port);

    await run.waitFor(`Checking the mail server (SMTP localhost:${port} with STARTTLS)…\n`);
    await run.waitFor(/ {2}✔ Connect +\d+ ms {2}connected to 127\.0\.0\.1:\d+\n/);
    await run.waitFor(/ {2}✔ Greeting +\d+ ms {2}220 localhost ESMTP teaming-mail-setup demo server\n/);
    await run.waitFor(/ {2}✔ EHLO +\d+ ms {2}localhost: STARTTLS, AUTH PLAIN LOGIN/);
    await run.waitFor(/ {2}✔ TLS +\d+ ms {2}TLSv1\.3 \S+ via STARTTLS; certificate CN=localhost issued by CN=localhost, .*: trusted; /);
    await run.waitFor(/ {2}✔ AUTH +\d+ ms {2}AUTH PLAIN accepted for teaming@demo\.test \(235 Authentication successful\)\n/);
    await run.waitFor(/ {2}✔ Envelope +\d+ ms {2}MAIL FROM:<teaming@demo\.test> 250 Accepted; RCPT TO:<administrator@demo\.test> 250 Accepted\n/);
    await run.waitFor(/ {2}✔ Message +\d+ ms {2}accepted for administrator@demo\.test: 250 Message queued as demo-1\n/);
    await run.waitFor(/Mail server OK: TLS 1\.3 via STARTTLS, AUTH PLAIN accepted, test message queued as demo-1, \d+ ms\n/);
    await run.waitFor(
      [
        'Outbound e-mail',
        '  Protocol                    SMTP',
        '  Mail host                   localhost',
        `  Port                        ${port}`,
        '  STARTTLS                    yes',
        '  Time zone                   America/New_York',
        '  Authentication              yes',
        '  User name                   teaming@demo.test',
        '  Password                    ••••••',
        '  Allow sending to All Users  yes',
        '  Connection timeout          15 s',
        '  Read timeout                60 s',
      ].join('\n'),
    );
    // Self-signed: the check trusted it because the demo said so; Teaming's Java must be told too.
    await run.waitFor(
      "! Teaming's Java must trust the mail server's certificate (CN=localhost) as well: the demo server made it (self-signed) and told the check to trust it, " +
        `but Teaming's JavaMail uses only its JVM's trust store and would fail with "PKIX path building failed". The wizard saves the certificate as ${pem}.\n`,
    );
    await choose(run, `Write ${file}?`, 'Write it');
    await run.waitFor(`✔ Wrote ${file} (mode 0600, owner root:root).\n`);
    await run.waitFor(`  keytool -importcert -noprompt -alias teaming-mail-localhost -file ${pem} -cacerts -storepass changeit\n`);
    await run.waitFor('The demo server received a message for administrator@demo.test:\n');
    await run.waitFor('From: teaming@demo.test\nTo: administrator@demo.test\nSubject: Teaming outbound mail test\n');
    const date = (await run.waitFor(/Date: .+\n/)).slice('Date: '.length).trim();
    await run.waitFor(`Mail server: localhost:${port} (SMTP with STARTTLS)\n`);
    await run.waitFor(`Notification time stamp: ${timeStampPreview('America/New_York', new Date(date))} (America/New_York)\n`);
    await run.waitFor(`The settings are in ${file}.\n`);
    assert.equal(await run.exit(), 0);

    assert.equal(
      await readFile(file, 'latin1'),
      [
        '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).',
        '# Written by teaming-mail-setup; lines it does not manage are kept as they are.',
        'mail.transport.protocol=smtp',
        'mail.smtp.host=localhost',
        `mail.smtp.port=${port}`,
        'mail.smtp.auth=true',
        'mail.smtp.user=teaming@demo.test',
        `mail.smtp.password=${password}`,
        'mail.smtp.sendpartial=true',
        'mail.smtp.connectiontimeout=15000',
        'mail.smtp.timeout=60000',
        'mail.smtp.writetimeout=60000',
        'mail.smtp.ssl.checkserveridentity=true',
        'mail.smtp.starttls.enable=true',
        'mail.smtp.starttls.required=true',
        'notify.timezone=America/New_York',
        'mail.allowSendToAllUsers=true',
        '',
      ].join('\n'),
    );
  });

  test('Ctrl+C at the first question: exit 130, the command ends, and the temporary folder is gone', async () => {
    const { run, file } = await startDemo();
    await run.waitFor('? Outbound e-mail protocol\n❯ SMTP');
    run.press('ctrl-c');
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
    assert.equal(await exists(dirname(file)), false, `${dirname(file)} was left behind`);
  });

  test('SIGINT from outside (not a key at a question): exit 130, and the temporary folder is gone too', async () => {
    const { run, file } = await startDemo();
    await run.waitFor('? Outbound e-mail protocol\n❯ SMTP');
    process.kill(run.pid, 'SIGINT');
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
    assert.equal(await exists(dirname(file)), false, `${dirname(file)} was left behind`);
  });

  test('Ctrl+C at the summary, after the server was used: exit 130, the command ends, nothing left', async () => {
    const { run, file, port } = await startDemo();
    await acceptDefaults(run, port);
    await run.waitFor(/Mail server OK: .*test message queued as demo-1/);
    await run.waitFor(`? Write ${file}?\n❯ Write it`);
    run.press('ctrl-c');
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
    assert.equal(await exists(dirname(file)), false, `${dirname(file)} was left behind`);
  });
});
