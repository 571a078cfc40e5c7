/**
 * The mail server check end to end: the built command against real SMTP servers on 127.0.0.1,
 * through a real pseudo-terminal (and as a plain subprocess where no terminal is involved).
 * Each test asserts what the administrator sees, what the server received and what was written.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { secretForms } from '../../src/probe/redact.ts';
import { timeStampPreview } from '../../src/settings/time-zones.ts';
import { runCli as runPiped, type CliResult } from '../helpers/cli.ts';
import { e2eSession } from '../helpers/e2e-session.ts';
import { answer, choose, confirm, spawnCli, type PtyRun } from '../helpers/pty.ts';
import {
  closedPort,
  scriptedServer,
  silentServer,
  slowGreetingServer as greetingAfter,
  startSmtpServer,
  type RawServer,
  type TestSmtpServer,
} from '../helpers/smtp-servers.ts';

const USER = 'teaming@example.com';
/** Distinctive, so that any trace of it in any output is found. */
const PASSWORD = 'Kx3#e2e-Probe!pw';
/** How installer.properties holds it. */
const STORED_PASSWORD = 'Kx3\\#e2e-Probe\\!pw';

const session = e2eSession('e2e-probe');

function start(...args: string[]): PtyRun {
  const run = spawnCli(args, { cwd: session.folder });
  session.runs.push(run);
  return run;
}

const server = (...args: Parameters<typeof startSmtpServer>): Promise<TestSmtpServer> => session.own(startSmtpServer(...args));

/** A misbehaving node:net server from the helpers, closed after the test. */
const startedRaw = (starting: Promise<RawServer>): Promise<RawServer> => session.own(starting);

/** The test CA in the folder, for --ca-file. */
async function caFile(smtp: TestSmtpServer): Promise<string> {
  const path = join(session.folder, 'test-ca.pem');
  await writeFile(path, smtp.caPem);
  return path;
}

/** Fails if the password, in any form it could travel in or be stored as, shows in `output`. */
function assertNoPassword(output: string, where: string): void {
  for (const form of [...secretForms(USER, PASSWORD), STORED_PASSWORD]) {
    assert.ok(!output.includes(form), `${where} showed the password (${JSON.stringify(form)}):\n${output}`);
  }
}

/** Every answer but STARTTLS and authentication, as flags: SMTP to 127.0.0.1:port, UTC, All Users allowed. */
function answered(port: number): string[] {
  return ['--protocol', 'smtp', '--host', '127.0.0.1', '--port', String(port), '--time-zone', 'UTC', '--allow-all-users'];
}

/** Warned under the summary and again in the final message when the host is 127.0.0.1 with TLS. */
const IP_WARNING =
  "! Teaming will not check the mail server's name: the host is the IP address 127.0.0.1, and Teaming's JavaMail cannot check a certificate against an address, " +
  'so mail.smtp.ssl.checkserveridentity=false is written. Use a host name the certificate names to have it checked.\n';

/** An IP address host with TLS: the wizard offers the certificate's name (localhost); keep the address. */
async function keepAddress(run: PtyRun): Promise<void> {
  await run.waitFor("Teaming's JavaMail cannot check a certificate against an IP address");
  await choose(run, 'Mail host to write', "Keep 127.0.0.1 (Teaming will not check the server's name)", 'down', 1, '127.0.0.1');
}

const HEADER = [
  '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).',
  '# Written by teaming-mail-setup; lines it does not manage are kept as they are.',
];

describe('the mail server check in a real terminal', () => {
  test('a new configuration against STARTTLS + AUTH: live stages, OK, write, then a test message', async () => {
    const smtp = await server({ accounts: { [USER]: PASSWORD } });
    const run = start('--ca-file', await caFile(smtp));
    await choose(run, 'Where does the mail go?', 'Our own mail server');
    await choose(run, 'Outbound e-mail protocol', 'SMTP');
    await answer(run, 'Mail host', '127.0.0.1');
    await answer(run, 'Port', String(smtp.port), { shown: '25' });
    await confirm(run, 'Use STARTTLS?', 'Yes', 'y');
    await run.waitFor('? Time zone for notifications');
    run.type('berlin');
    await run.waitFor('berlin\n❯ Europe/Berlin'); // the results for the whole term
    run.press('enter');
    await run.waitFor('✔ Time zone for notifications Europe/Berlin');
    await confirm(run, 'Does the mail server require authentication?', 'Yes', 'y');
    await answer(run, 'User name or e-mail address', USER);
    await answer(run, 'Password', PASSWORD, { echo: '•'.repeat(PASSWORD.length) });
    await confirm(run, 'Allow users to send e-mail to the All Users group?', 'Yes');

    await run.waitFor(`Checking the mail server (SMTP 127.0.0.1:${smtp.port} with STARTTLS)…\n`);
    await run.waitFor(/ {2}✔ DNS +\d+ ms {2}127\.0\.0\.1 is an IP address: no lookup\n/);
    await run.waitFor(new RegExp(`  ✔ Connect +\\d+ ms  connected to 127\\.0\\.0\\.1:${smtp.port}\\n`));
    await run.waitFor(/ {2}✔ Greeting +\d+ ms {2}220 mail\.test\.invalid ESMTP teaming-mail-setup test server\n/);
    await run.waitFor(/ {2}✔ EHLO +\d+ ms {2}mail\.test\.invalid: STARTTLS, AUTH PLAIN LOGIN, .*\n/);
    await run.waitFor(
      / {2}✔ TLS +\d+ ms {2}TLSv1\.3 \S+ via STARTTLS; certificate CN=localhost issued by CN=teaming-mail-setup test CA, expires .*: trusted; .*\n/,
    );
    await run.waitFor(/ {2}✔ AUTH +\d+ ms {2}AUTH PLAIN accepted for teaming@example\.com \(235 .*\)\n/);
    await run.waitFor(/ {2}✔ Envelope +\d+ ms {2}MAIL FROM:<teaming@example\.com> 250 2\.1\.0 Accepted; RCPT TO:<teaming@example\.com> 250 2\.1\.5 Accepted\n/);
    await run.waitFor(/ {2}– Message +no test message requested\n/);
    await run.waitFor(/Mail server OK: TLS 1\.3 via STARTTLS, AUTH PLAIN accepted, envelope accepted for teaming@example\.com, \d+ ms\n/);
    // Teaming's JavaMail cannot check the name of 127.0.0.1: the certificate's name for it is offered, and checked anew.
    await run.waitFor(
      "Teaming's JavaMail cannot check a certificate against an IP address: with 127.0.0.1 it would not check the server's name at all. " +
        'The certificate names localhost, which resolves to 127.0.0.1.\n',
    );
    await choose(run, 'Mail host to write', "localhost (Teaming checks the server's name)", undefined, 1, 'localhost');
    await run.waitFor(`Checking the mail server (SMTP localhost:${smtp.port} with STARTTLS)…\n`);
    await run.waitFor(/ {2}✔ DNS +\d+ ms {2}localhost → .*127\.0\.0\.1/);
    await run.waitFor(/Mail server OK: TLS 1\.3 via STARTTLS, AUTH PLAIN accepted, envelope accepted for teaming@example\.com, \d+ ms\n/);
    await run.waitFor('  Mail host                   localhost\n');
    await run.waitFor('  Time zone                   Europe/Berlin\n');
    // Trusted through --ca-file: Teaming's Java must trust it too.
    await run.waitFor(
      /! Teaming's Java must trust the mail server's certificate \(CN=localhost\) as well: the check trusted it through a private CA \(--ca-file\)/,
    );
    await choose(run, 'Write installer.properties?', 'Write it');
    await run.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root).\n');
    const pem = join(session.folder, 'installer-mail-server.pem');
    await run.waitFor(`Saved it as ${pem}; import it into the running JVM's cacerts (keytool -cacerts), then restart Teaming:\n`);
    await run.waitFor(`  keytool -importcert -noprompt -alias teaming-mail-localhost -file ${pem} -cacerts -storepass changeit\n`);

    await answer(run, 'Send a test message to (e-mail address, blank to skip)', 'admin@example.com');
    await run.waitFor(`Sending a test message to admin@example.com (SMTP localhost:${smtp.port} with STARTTLS)…\n`);
    await run.waitFor(/ {2}✔ Message +\d+ ms {2}accepted for admin@example\.com: 250 2\.6\.0 Ok: queued as TQ4F2A9\n/);
    await run.waitFor(/Mail server OK: TLS 1\.3 via STARTTLS, AUTH PLAIN accepted, test message queued as TQ4F2A9, \d+ ms\n/);
    await run.waitFor('✔ Test message sent: look for "Teaming outbound mail test" in the mailbox of admin@example.com.\n');
    assert.equal(await run.exit(), 0);

    assert.equal(smtp.messages.length, 1);
    const message = smtp.messages[0]!;
    const date = /^Date: (.+)$/m.exec(message)?.[1];
    assert.ok(date, `no Date header:\n${message}`);
    assert.match(message, /^To: admin@example\.com$/m);
    assert.match(message, /^From: teaming@example\.com$/m);
    assert.ok(
      message.includes(`Notification time stamp: ${timeStampPreview('Europe/Berlin', new Date(date))} (Europe/Berlin)\r\n`),
      `the time stamp is not in Europe/Berlin:\n${message}`,
    );
    assert.match(message, /Notification time stamp: \w{3} \d{1,2} \w{3} \d{4} \d{2}:\d{2} CES?T \(Europe\/Berlin\)/);
    assert.deepEqual(smtp.logins, [
      { username: USER, accepted: true },
      { username: USER, accepted: true },
      { username: USER, accepted: true },
    ]);
    // The server's own certificate, public, for keytool.
    assert.equal(new X509Certificate(await readFile(pem)).fingerprint256, smtp.certificateSha256);
    assert.equal((await stat(pem)).mode & 0o777, 0o644);

    assertNoPassword(run.raw, 'the terminal');
    assertNoPassword(run.text(), 'the terminal');
    assert.equal(
      await readFile(join(session.folder, 'installer.properties'), 'latin1'),
      [
        ...HEADER,
        'mail.transport.protocol=smtp',
        'mail.smtp.host=localhost',
        `mail.smtp.port=${smtp.port}`,
        'mail.smtp.auth=true',
        'mail.smtp.user=teaming@example.com',
        `mail.smtp.password=${STORED_PASSWORD}`,
        'mail.smtp.sendpartial=true',
        'mail.smtp.connectiontimeout=15000',
        'mail.smtp.timeout=60000',
        'mail.smtp.writetimeout=60000',
        'mail.smtp.ssl.checkserveridentity=true',
        'mail.smtp.starttls.enable=true',
        'mail.smtp.starttls.required=true',
        'notify.timezone=Europe/Berlin',
        'mail.allowSendToAllUsers=true',
        '',
      ].join('\n'),
    );
  });

  test('a wrong password: the AUTH diagnosis and its advice; "Change the password" and the check passes', async () => {
    const smtp = await server({ accounts: { [USER]: PASSWORD } });
    const run = start(...answered(smtp.port), '--starttls', '--auth', '--username', USER, '--ca-file', await caFile(smtp));
    await answer(run, 'Password', 'wrong-password', { echo: '•'.repeat(14) });
    await run.waitFor(/ {2}✖ AUTH +\d+ ms {2}authentication refused for teaming@example\.com: 535 5\.7\.8 Authentication credentials invalid\n/);
    await run.waitFor('Problem (AUTH): authentication refused for teaming@example.com: 535 5.7.8 Authentication credentials invalid\n');
    await run.waitFor(
      'Fix: authentication refused (535 5.7.8): check the password; some servers need the user name without the domain instead of the full e-mail address, or the other way round\n',
    );
    // Not a question of protocol or port: the usual ports are not tried.
    assert.ok(!run.text().includes('Trying the usual ports'), run.text());
    await choose(run, 'The mail server check failed. What now?', 'Change the password');
    await run.waitFor('Leave blank to keep the current password.');
    await answer(run, 'Password', PASSWORD, { echo: '•'.repeat(PASSWORD.length) });
    await run.waitFor(/ {2}✔ AUTH +\d+ ms {2}AUTH PLAIN accepted for teaming@example\.com/);
    await run.waitFor(/Mail server OK: TLS 1\.3 via STARTTLS, AUTH PLAIN accepted, envelope accepted for teaming@example\.com, \d+ ms\n/);
    await keepAddress(run);
    // The address is kept: the summary and the final message say Teaming will not check the name.
    await run.waitFor(`  Connection timeout          15 s\n  Read timeout                60 s\n${IP_WARNING}`);
    await choose(run, 'Write installer.properties?', 'Write it');
    await run.waitFor(`✔ Wrote installer.properties (mode 0600, owner root:root).\n${IP_WARNING}`);
    await answer(run, 'Send a test message to (e-mail address, blank to skip)');
    assert.equal(await run.exit(), 0);

    assert.deepEqual(smtp.logins, [
      { username: USER, accepted: false },
      { username: USER, accepted: true },
    ]);
    assert.equal(smtp.messages.length, 0);
    assertNoPassword(run.raw, 'the terminal');
    assert.ok(!run.raw.includes('wrong-password'), 'the terminal showed the wrong password');
    const written = await readFile(join(session.folder, 'installer.properties'), 'latin1');
    assert.ok(written.includes(`\nmail.smtp.password=${STORED_PASSWORD}\n`), written);
    assert.ok(written.includes('\nmail.smtp.ssl.checkserveridentity=false\n'), written);
  });

  test('SMTP without STARTTLS at an implicit-TLS port: "expects SMTPS", and the offered settings work', async () => {
    const smtp = await server({ mode: 'implicit' });
    const run = start(...answered(smtp.port), '--no-starttls', '--no-auth', '--probe-timeout', '4', '--ca-file', await caFile(smtp));
    await run.waitFor(`Checking the mail server (SMTP 127.0.0.1:${smtp.port})…\n`);
    await run.waitFor(new RegExp(` {2}✖ Greeting +1(\\.\\d)? s {2}no greeting in 1(\\.\\d)? s, but port ${smtp.port} answers a TLS handshake\\n`));
    await run.waitFor('Fix: this port expects SMTPS (TLS from the first byte): choose SMTPS\n');
    await run.waitFor(`Trying the usual ports of 127.0.0.1 (465, 587, 25), the relay services' (2465, 2587, 2525) and port ${smtp.port} as SMTPS at once…\n`);
    // Detection also tried the configured port in the other TLS mode: that is what works.
    await run.waitFor(`  SMTPS on port ${smtp.port}                works\n`);
    await choose(run, 'The mail server check failed. What now?', `Use the working settings (protocol SMTPS, port ${smtp.port})`);
    await run.waitFor(`Checking the mail server (SMTPS 127.0.0.1:${smtp.port})…\n`);
    await run.waitFor(/ {2}✔ TLS +\d+ ms {2}TLSv1\.3 \S+ implicit TLS \(SMTPS\); certificate CN=localhost .*: trusted\n/);
    await run.waitFor(/Mail server OK: TLS 1\.3 \(SMTPS\), no authentication, envelope accepted for postmaster, \d+ ms\n/);
    await keepAddress(run);
    await run.waitFor('  Protocol                    SMTPS\n');
    await choose(run, 'Write installer.properties?', 'Write it');
    await answer(run, 'Send a test message to (e-mail address, blank to skip)');
    assert.equal(await run.exit(), 0);

    assert.equal(
      await readFile(join(session.folder, 'installer.properties'), 'latin1'),
      [
        ...HEADER,
        'mail.transport.protocol=smtps',
        'mail.smtps.host=127.0.0.1',
        `mail.smtps.port=${smtp.port}`,
        'mail.smtps.auth=false',
        'mail.smtps.sendpartial=true',
        'mail.smtps.connectiontimeout=15000',
        'mail.smtps.timeout=60000',
        'mail.smtps.writetimeout=60000',
        'mail.smtps.ssl.checkserveridentity=false',
        'notify.timezone=UTC',
        'mail.allowSendToAllUsers=true',
        '',
      ].join('\n'),
    );
  });

  test('"Save anyway" after a failed check writes the file, and offers no test message', async () => {
    const port = await closedPort();
    const run = start(...answered(port), '--no-starttls', '--no-auth');
    await run.waitFor(`Problem (Connect): connection refused by 127.0.0.1:${port}: nothing listens on port ${port}\n`);
    await run.waitFor('Fix: check the port (25, 587 or 465) and that the mail server runs on this host\n');
    await choose(run, 'The mail server check failed. What now?', 'Save anyway', 'up', 2);
    await choose(run, 'Write installer.properties?', 'Write it');
    await run.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root).\n');
    assert.equal(await run.exit(), 0);
    assert.ok(!run.text().includes('Send a test message'), run.text());
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), new RegExp(`^mail\\.smtp\\.port=${port}$`, 'm'));
  });

  test('"Change the port" after a refused connection: the new port asks STARTTLS again, and the check passes', async () => {
    const smtp = await server({ auth: false });
    const port = await closedPort();
    const run = start(...answered(port), '--no-starttls', '--no-auth', '--ca-file', await caFile(smtp));
    await run.waitFor(`Problem (Connect): connection refused by 127.0.0.1:${port}: nothing listens on port ${port}\n`);
    await choose(run, 'The mail server check failed. What now?', 'Change the port');
    await answer(run, 'Port', String(smtp.port), { shown: String(port) });
    await confirm(run, 'Use STARTTLS?', 'Yes', 'y');
    await run.waitFor(`Checking the mail server (SMTP 127.0.0.1:${smtp.port} with STARTTLS)…\n`);
    await run.waitFor(/Mail server OK: TLS 1\.3 via STARTTLS, no authentication, envelope accepted for postmaster, \d+ ms\n/);
    await keepAddress(run);
    await choose(run, 'Write installer.properties?', 'Write it');
    await answer(run, 'Send a test message to (e-mail address, blank to skip)');
    assert.equal(await run.exit(), 0);
    const written = await readFile(join(session.folder, 'installer.properties'), 'latin1');
    assert.match(written, new RegExp(`^mail\\.smtp\\.port=${smtp.port}$`, 'm'));
    assert.match(written, /^mail\.smtp\.starttls\.enable=true$/m);
  });

  test('"Change the mail host" after a refused connection: the menu offers the host as well as the port, and the check passes', async () => {
    const smtp = await server({ auth: false });
    // The right port on the wrong address: 127.0.0.2 is this machine too, but nothing listens there.
    const run = start(
      '--protocol',
      'smtp',
      '--host',
      '127.0.0.2',
      '--port',
      String(smtp.port),
      '--time-zone',
      'UTC',
      '--allow-all-users',
      '--no-starttls',
      '--no-auth',
    );
    await run.waitFor(`Problem (Connect): connection refused by 127.0.0.2:${smtp.port}: nothing listens on port ${smtp.port}\n`);
    await choose(run, 'The mail server check failed. What now?', 'Change the mail host', 'down');
    assert.ok(run.text().includes('? The mail server check failed. What now?\n❯ Change the port\n  Change the mail host\n  Try again\n'), run.text());
    const asked = run.text().length;
    await answer(run, 'Mail host', '127.0.0.1', { shown: '127.0.0.2' });
    await run.waitFor(`Checking the mail server (SMTP 127.0.0.1:${smtp.port})…\n`);
    await run.waitFor(/Mail server OK: .*\n/);
    assert.ok(!run.text().slice(asked).includes('? Port'), 'the port was asked again');
    await choose(run, 'Write installer.properties?', 'Write it');
    await answer(run, 'Send a test message to (e-mail address, blank to skip)');
    assert.equal(await run.exit(), 0);
    const written = await readFile(join(session.folder, 'installer.properties'), 'latin1');
    assert.match(written, /^mail\.smtp\.host=127\.0\.0\.1$/m);
    assert.match(written, new RegExp(`^mail\\.smtp\\.port=${smtp.port}$`, 'm'));
  });

  test('"Cancel" after a failed check: exit 130, nothing written', async () => {
    const port = await closedPort();
    const run = start(...answered(port), '--no-starttls', '--no-auth');
    await choose(run, 'The mail server check failed. What now?', 'Cancel', 'up');
    await run.waitFor('Cancelled — nothing was written.');
    assert.equal(await run.exit(), 130);
    assert.deepEqual(await readdir(session.folder), []);
  });
});

describe('keys typed while the check runs', () => {
  /** Greets after 1.5 s, then takes the envelope: a slow server whose check passes. */
  const slowGreetingServer = () => startedRaw(greetingAfter(1500));

  test('an impatient Enter during a passing check does not answer "Write …?" unseen', async () => {
    const slow = await slowGreetingServer();
    const run = start(...answered(slow.port), '--no-starttls', '--no-auth');
    await run.waitFor(/ {2}✔ Connect +\d+ ms/);
    run.press('enter');
    await run.waitFor(/Mail server OK: plain SMTP, no TLS, no authentication, envelope accepted for postmaster, 1(\.\d)? s\n/);
    await choose(run, 'Write installer.properties?', 'Cancel', 'down', 2);
    assert.equal(await run.exit(), 130);
    assert.deepEqual(await readdir(session.folder), []);
  });

  test('an impatient Enter during a failing check does not choose what to do next', async () => {
    const silent = await startedRaw(silentServer());
    const run = start(...answered(silent.port), '--no-starttls', '--no-auth', '--probe-timeout', '2');
    await run.waitFor(/ {2}✔ Connect +\d+ ms/);
    run.press('enter');
    await run.waitFor('Problem (Greeting)');
    await choose(run, 'The mail server check failed. What now?', 'Cancel', 'up');
    assert.equal(await run.exit(), 130);
    assert.deepEqual(await readdir(session.folder), []);
  });
});

describe('the test message, after the file is written', () => {
  /** Plain SMTP without AUTH that accepts the check, then takes a message and never confirms it. */
  function stallingServer(): Promise<RawServer> {
    let inData = false;
    return startedRaw(
      scriptedServer((line) => {
        if (inData) return undefined;
        if (/^EHLO /.test(line)) return ['250-stall.test.invalid', '250 SIZE 1000'];
        if (line.startsWith('MAIL FROM:')) return '250 2.1.0 Ok';
        if (line.startsWith('RCPT TO:')) return '250 2.1.5 Ok';
        if (line === 'DATA') {
          inData = true;
          return '354 End data with <CR><LF>.<CR><LF>';
        }
        return line === 'QUIT' ? '221 2.0.0 Bye' : '502 5.5.2 Error: command not recognized';
      }, '220 stall.test.invalid ESMTP'),
    );
  }

  async function writtenAfterCheck(run: PtyRun): Promise<void> {
    await run.waitFor(/Mail server OK: plain SMTP, no TLS, no authentication, envelope accepted for postmaster, \d+ ms\n/);
    await choose(run, 'Write installer.properties?', 'Write it');
    await run.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root).\n');
  }

  test('Ctrl+C at the test message question skips it: the file stays written, exit 0', async () => {
    const stalling = await stallingServer();
    const run = start(...answered(stalling.port), '--no-starttls', '--no-auth');
    await writtenAfterCheck(run);
    await run.waitFor('? Send a test message to (e-mail address, blank to skip)');
    run.press('ctrl-c');
    await run.waitFor('No test message sent.\n');
    assert.equal(await run.exit(), 0);
    assert.ok(!run.text().includes('nothing was written'), run.text());
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), /^mail\.smtp\.host=127\.0\.0\.1$/m);
  });

  test('Ctrl+C while the test message is on its way: says the file was written, not "nothing was written"', async () => {
    const stalling = await stallingServer();
    const run = start(...answered(stalling.port), '--no-starttls', '--no-auth', '--probe-timeout', '60');
    await writtenAfterCheck(run);
    await answer(run, 'Send a test message to (e-mail address, blank to skip)', 'admin@example.com');
    await run.waitFor(/ {2}– AUTH +authentication off\n/);
    run.press('ctrl-c');
    await run.waitFor('Cancelled — installer.properties had already been written.\n');
    assert.equal(await run.exit(), 130);
    assert.ok(!run.text().includes('nothing was written'), run.text());
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), /^mail\.smtp\.host=127\.0\.0\.1$/m);
  });

  test('a refused test message: the diagnosis, and the file stays written', async () => {
    const smtp = await server({ mode: 'plain', auth: false, refuseRecipients: true });
    const run = start(...answered(smtp.port), '--no-starttls', '--no-auth');
    await writtenAfterCheck(run);
    await answer(run, 'Send a test message to (e-mail address, blank to skip)', 'admin@example.com');
    await run.waitFor(`Sending a test message to admin@example.com (SMTP 127.0.0.1:${smtp.port})…\n`);
    // The envelope test of the test message meets the refusal (the check's own, to postmaster, passed).
    await run.waitFor(
      'Problem (Envelope): the server does not relay to admin@example.com for this machine without authentication: 550 5.1.1 Relay access denied\n',
    );
    await run.waitFor('Fix: turn authentication on, with the user name (the full e-mail address Teaming sends from) and password of the account\n');
    await run.waitFor(
      '! The test message was not sent; installer.properties is written as shown above. To change a setting: teaming-mail-setup --reconfigure -f installer.properties\n',
    );
    assert.equal(await run.exit(), 0);
    assert.equal(smtp.messages.length, 0);
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), /^mail\.smtp\.host=127\.0\.0\.1$/m);
  });
});

describe('a silent server (accepts, never says a word)', () => {
  test('--probe-timeout 2: the diagnosis within 3 s of the check starting', async () => {
    const silent = await startedRaw(silentServer());
    const run = start(...answered(silent.port), '--no-starttls', '--no-auth', '--probe-timeout', '2');
    await run.waitFor(`Checking the mail server (SMTP 127.0.0.1:${silent.port})…\n`);
    const started = performance.now();
    await run.waitFor(/Problem \(Greeting\): connected, but no greeting in 2(\.\d)? s\n/);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 3000, `the diagnosis took ${Math.round(elapsed)} ms`);
    await run.waitFor(
      `Fix: the server accepted the connection but never said anything; it may be overloaded, or a firewall or proxy holds port ${silent.port}; try again, or try port 587 or 465\n`,
    );
    await choose(run, 'The mail server check failed. What now?', 'Cancel', 'up');
    assert.equal(await run.exit(), 130);
    assert.deepEqual(await readdir(session.folder), []);
  });

  for (const { how, stop, code } of [
    { how: 'Ctrl+C', stop: (run: PtyRun) => run.press('ctrl-c'), code: 130 },
    { how: 'SIGTERM', stop: (run: PtyRun) => run.kill('SIGTERM'), code: 143 },
  ]) {
    test(`${how} while the check waits for the greeting: "Cancelled — nothing was written.", exit ${code}`, async () => {
      const silent = await startedRaw(silentServer());
      const run = start(...answered(silent.port), '--no-starttls', '--auth', '--username', USER, '--probe-timeout', '60');
      await answer(run, 'Password', PASSWORD, { echo: '•'.repeat(PASSWORD.length) });
      await run.waitFor(/ {2}✔ Connect +\d+ ms {2}connected to 127\.0\.0\.1:\d+\n/);
      const stopped = performance.now();
      stop(run);
      await run.waitFor('Cancelled — nothing was written.\n');
      assert.equal(await run.exit(), code);
      // Long before the check's own end (30 s for the greeting).
      assert.ok(performance.now() - stopped < 10_000);
      assert.ok(!run.text().includes('Problem ('), run.text());
      assert.deepEqual(await readdir(session.folder), []);
    });
  }
});

/** The built command as a plain subprocess: no terminal; the password in TEAMING_MAIL_PASSWORD. */
function runCli(args: string[]): Promise<CliResult> {
  return runPiped(args, { cwd: session.folder, env: { TZ: 'America/New_York', NO_COLOR: undefined, TEAMING_MAIL_PASSWORD: PASSWORD } }, 60_000);
}

/** Every answer for an unattended run against 127.0.0.1:port, with authentication. */
function unattended(port: number): string[] {
  return ['--non-interactive', ...answered(port), '--starttls', '--auth', '--username', USER];
}

function assertNoPasswordIn(finished: CliResult): void {
  assertNoPassword(finished.stdout, 'stdout');
  assertNoPassword(finished.stderr, 'stderr');
}

describe('the mail server check unattended (no terminal)', () => {
  test('--non-interactive against a closed port: exit 3, says why, writes nothing; --force writes', async () => {
    const port = await closedPort();
    const failed = await runCli(unattended(port));
    assert.equal(failed.code, 3, failed.stderr);
    assert.equal(
      failed.stderr,
      `✖ the mail server check failed: connection refused by 127.0.0.1:${port}: nothing listens on port ${port} — ` +
        'check the port (25, 587 or 465) and that the mail server runs on this host; nothing was written (use --no-probe or --force to write anyway)\n',
    );
    assert.match(failed.stdout, new RegExp(`^ {2}✖ Connect +\\d+ ms {2}connection refused by 127\\.0\\.0\\.1:${port}`, 'm'));
    assertNoPasswordIn(failed);
    assert.deepEqual(await readdir(session.folder), []);

    const forced = await runCli([...unattended(port), '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(forced.stderr, `! The mail server check failed; writing anyway because of --force.\n${IP_WARNING}${IP_WARNING}`);
    assert.match(forced.stdout, /\n✔ Wrote installer\.properties \(mode 0600, owner root:root\)\.\n$/);
    assertNoPasswordIn(forced);
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), new RegExp(`^mail\\.smtp\\.port=${port}$`, 'm'));
  });

  test('--json: stdout is one JSON document whose probe report names the failure, with or without --force', async () => {
    const port = await closedPort();
    const failed = await runCli([...unattended(port), '--json']);
    assert.equal(failed.code, 3, failed.stderr);
    const error = JSON.parse(failed.stdout);
    assert.equal(error.result, 'error');
    assert.equal(error.exitCode, 3);
    assert.match(error.errors[0], /^the mail server check failed: connection refused by 127\.0\.0\.1:\d+/);
    assert.equal(error.probe.ok, false);
    assert.equal(error.probe.failure.kind, 'refused');
    assert.equal(error.probe.failure.stage, 'connect');
    // The human lines went to stderr.
    assert.match(failed.stderr, /^Problem \(Connect\): connection refused/m);
    assertNoPasswordIn(failed);
    assert.deepEqual(await readdir(session.folder), []);

    const forced = await runCli([...unattended(port), '--json', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    const written = JSON.parse(forced.stdout);
    assert.equal(written.result, 'written');
    assert.equal(written.exitCode, 0);
    assert.equal(written.probe.failure.kind, 'refused');
    assert.equal(written.settings.password, '••••••');
    assertNoPasswordIn(forced);
  });

  test('check: exit 0 against a good server, 3 against a closed port; --json holds the stages', async () => {
    const smtp = await server({ accounts: { [USER]: PASSWORD } });
    const ca = await caFile(smtp);
    const setup = await runCli([...unattended(smtp.port), '--ca-file', ca]);
    assert.equal(setup.code, 0, setup.stderr + setup.stdout);
    assert.match(setup.stdout, /Mail server OK: TLS 1\.3 via STARTTLS, AUTH PLAIN accepted/);
    assertNoPasswordIn(setup);
    const file = join(session.folder, 'installer.properties');

    const passed = await runCli(['check', '-f', file, '--ca-file', ca]);
    assert.equal(passed.code, 0, passed.stderr + passed.stdout);
    assert.match(passed.stdout, /^ {2}✔ AUTH +\d+ ms {2}AUTH PLAIN accepted for teaming@example\.com/m);
    assert.match(passed.stdout, /^Mail server OK: TLS 1\.3 via STARTTLS, AUTH PLAIN accepted, envelope accepted for teaming@example\.com, \d+ ms$/m);
    assertNoPasswordIn(passed);

    const json = await runCli(['check', '-f', file, '--ca-file', ca, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.result, 'passed');
    assert.equal(report.probe.ok, true);
    assert.deepEqual(
      report.probe.stages.map((stage: { name: string; outcome: string }) => `${stage.name} ${stage.outcome}`),
      ['dns ok', 'connect ok', 'greeting ok', 'ehlo ok', 'tls ok', 'auth ok', 'envelope ok', 'message skipped'],
    );
    assertNoPasswordIn(json);
    assert.equal(smtp.logins.filter((login) => login.accepted).length, 3);

    const port = await closedPort();
    await writeFile(file, (await readFile(file, 'latin1')).replace(`mail.smtp.port=${smtp.port}`, `mail.smtp.port=${port}`), 'latin1');
    const before = await readFile(file);
    const refused = await runCli(['check', '-f', file, '--ca-file', ca]);
    assert.equal(refused.code, 3, refused.stderr + refused.stdout);
    assert.match(refused.stdout, new RegExp(`^Problem \\(Connect\\): connection refused by 127\\.0\\.0\\.1:${port}`, 'm'));
    assertNoPasswordIn(refused);
    const refusedJson = await runCli(['check', '-f', file, '--json']);
    assert.equal(refusedJson.code, 3);
    const failedReport = JSON.parse(refusedJson.stdout);
    assert.equal(failedReport.result, 'failed');
    assert.equal(failedReport.probe.failure.kind, 'refused');
    assertNoPasswordIn(refusedJson);
    assert.deepEqual(await readFile(file), before, 'check changed the file');
  });
});
