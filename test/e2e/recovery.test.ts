/**
 * Recovery from a failed check without leaving the wizard: a certificate the check does not trust
 * is trusted from the menu (by its fingerprint, or through a CA file that signed it), the decision
 * is kept beside the settings file, and every later `check`, `--reconfigure` and `show` of that
 * file uses it without a flag. The built command on a pseudo-terminal against smtp-server.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { e2eSession } from '../helpers/e2e-session.ts';
import { answer, choose, spawnCli, type PtyRun } from '../helpers/pty.ts';
import { closedPort, slowGreetingServer, startSmtpServer, testCertificates, type RawServer, type TestSmtpServer } from '../helpers/smtp-servers.ts';

const session = e2eSession('e2e-recovery');

function start(...args: string[]): PtyRun {
  const run = spawnCli(args, { cwd: session.folder, cols: 240 });
  session.runs.push(run);
  return run;
}

const server = (...args: Parameters<typeof startSmtpServer>): Promise<TestSmtpServer> => session.own(startSmtpServer(...args));

/** A misbehaving node:net server from the helpers, closed after the test. */
const startedRaw = (starting: Promise<RawServer>): Promise<RawServer> => session.own(starting);

/** Every answer as flags: SMTP with STARTTLS to localhost:port, no authentication. */
const answered = (port: number) => [
  '--protocol',
  'smtp',
  '--host',
  'localhost',
  '--port',
  String(port),
  '--starttls',
  '--no-auth',
  '--time-zone',
  'UTC',
  '--allow-all-users',
];

const MENU = 'The mail server check failed. What now?';

/** The rest of a run whose check passed: write, skip the test message, exit 0. */
async function writeAndFinish(run: PtyRun): Promise<void> {
  await choose(run, 'Write installer.properties?', 'Write it');
  await run.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root).\n');
  await answer(run, 'Send a test message to (e-mail address, blank to skip)');
  assert.equal(await run.exit(), 0);
}

/** `check` and an unattended `--reconfigure` of the folder's file, with no trust flag: both pass. */
async function laterRunsPass(verification: string): Promise<void> {
  const check = await runCli(['check'], { cwd: session.folder });
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.ok(check.stdout.includes(`: ${verification}; then no AUTH\n`), check.stdout);
  assert.ok(check.stdout.includes('Mail server OK: TLS 1.3 via STARTTLS'), check.stdout);
  const reconfigure = await runCli(['--non-interactive', '--reconfigure'], { cwd: session.folder });
  assert.equal(reconfigure.code, 0, reconfigure.stdout + reconfigure.stderr);
  assert.ok(reconfigure.stdout.includes('✔ Nothing changed; installer.properties was not written.\n'), reconfigure.stdout);
}

describe('an untrusted certificate, trusted from inside the wizard', () => {
  test('self-signed: "Trust this certificate" (fingerprint, subject, issuer and expiry shown); written; check and --reconfigure pass with no flag', async () => {
    const smtp = await server({ certificate: 'self-signed', auth: false });
    const run = start(...answered(smtp.port));
    await run.waitFor(
      `Fix: trust the CA that signed it with --ca-file (its PEM file), or accept this one certificate with --accept-certificate ${smtp.certificateSha256} (its SHA-256 fingerprint)\n`,
    );
    await run.waitFor(`? ${MENU}\n❯ Trust this certificate\n  Use a CA certificate file…\n  Try again\n  Save anyway\n  Cancel\n`);
    await run.waitFor(
      new RegExp(`SHA-256 ${smtp.certificateSha256}\nCN=localhost, issued by CN=localhost, expires \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} GMT\n`),
    );
    run.press('enter');
    await run.waitFor(`✔ ${MENU} Trust this certificate\n`);
    await run.waitFor(': accepted by fingerprint; then no AUTH\n');
    await run.waitFor("(CN=localhost) as well: you trusted it by its fingerprint in the wizard, but Teaming's JavaMail");
    await writeAndFinish(run);
    const pemFile = join(session.folder, 'installer-mail-server.pem');
    assert.ok(run.text().includes(`deleting ${pemFile} forgets it.\n`), run.text());
    assert.equal(await readFile(pemFile, 'utf8'), `${(await testCertificates()).selfSigned.cert.replaceAll('\r\n', '\n')}\n`);
    await laterRunsPass('accepted by fingerprint');
    const show = await runCli(['show'], { cwd: session.folder });
    assert.ok(
      show.stdout.endsWith(`The check trusts the server's certificate through the certificate in ${pemFile} (SHA-256 ${smtp.certificateSha256}).\n`),
      show.stdout,
    );
    // A flag overrides the saved decision: the test CA did not sign this certificate.
    await writeFile(join(session.folder, 'ca.pem'), smtp.caPem);
    const overridden = await runCli(['check', '--ca-file', 'ca.pem'], { cwd: session.folder });
    assert.equal(overridden.code, 3);
    assert.ok(overridden.stdout.includes("the server's certificate is not trusted: self-signed certificate"), overridden.stdout);
  });

  test('private CA: "Use a CA certificate file…" refuses a missing file and a CA that did not sign it, in words; the right CA passes and is kept', async () => {
    const smtp = await server({ certificate: 'signed', auth: false });
    const certificates = await testCertificates();
    await writeFile(join(session.folder, 'company-ca.pem'), smtp.caPem);
    await writeFile(join(session.folder, 'other.pem'), certificates.selfSigned.cert);
    const run = start(...answered(smtp.port));
    await choose(run, MENU, 'Use a CA certificate file…', 'down', 1, 'Use a CA certificate file');
    await run.waitFor('? Path of the CA certificate file (PEM)');
    run.type('missing.pem');
    run.press('enter');
    await run.waitFor(`> there is no file ${join(session.folder, 'missing.pem')}`);
    run.press('backspace', 'missing.pem'.length);
    run.type('other.pem');
    run.press('enter');
    await run.waitFor(
      `> ${join(session.folder, 'other.pem')} does not verify the server's certificate (issued by CN=teaming-mail-setup test CA): it holds CN=localhost; choose the CA certificate that signed it`,
    );
    run.press('backspace', 'other.pem'.length);
    run.type('company-ca.pem');
    run.press('enter');
    await run.waitFor('✔ Path of the CA certificate file (PEM) company-ca.pem\n');
    await run.waitFor(': trusted; then no AUTH\n');
    await run.waitFor(`as well: the check trusted it through the CA in ${join(session.folder, 'company-ca.pem')}, but`);
    await writeAndFinish(run);
    assert.equal(await readFile(join(session.folder, 'installer-mail-ca.pem'), 'utf8'), smtp.caPem);
    await laterRunsPass('trusted');
  });
});

describe('"Save anyway" on a certificate the check did not trust', () => {
  test('the summary says the check did not trust it, never that it accepted it; nothing is kept as trusted', async () => {
    const smtp = await server({ certificate: 'self-signed', auth: false });
    const run = start(...answered(smtp.port));
    await choose(run, MENU, 'Save anyway', 'down', 3);
    await run.waitFor(
      "! The check did not trust the mail server's certificate (self-signed certificate; CN=localhost): Teaming's JavaMail will refuse it as well " +
        '("PKIX path building failed") until its JVM trusts it; run the wizard again and choose "Trust this certificate" or "Use a CA certificate file…"\n',
    );
    await choose(run, 'Write installer.properties?', 'Write it');
    assert.equal(await run.exit(), 0);
    assert.ok(!run.text().includes('accepted it'), run.text());
    assert.deepEqual((await readdir(session.folder)).sort(), ['installer.properties']);
    const check = await runCli(['check'], { cwd: session.folder });
    assert.equal(check.code, 3);
  });
});

describe('a server that greets after 5 s', () => {
  test('passes with the default deadline; the greeting line reads "5 s"', async () => {
    const slow = await startedRaw(slowGreetingServer(5000));
    const run = start(
      '--protocol',
      'smtp',
      '--host',
      '127.0.0.1',
      '--port',
      String(slow.port),
      '--no-starttls',
      '--no-auth',
      '--time-zone',
      'UTC',
      '--allow-all-users',
    );
    await run.waitFor(`Checking the mail server (SMTP 127.0.0.1:${slow.port})…\n`);
    await run.waitFor(/ {2}✔ Greeting +5(\.\d)? s {2}220 slow\.test\.invalid ESMTP\n/, 8000);
    await run.waitFor(/Mail server OK: plain SMTP, no TLS, no authentication, envelope accepted for postmaster, 5(\.\d)? s\n/);
    await writeAndFinish(run);
  });
});

describe('only suggestions the check has run through', () => {
  const USER = 'teaming@example.com';
  const PASSWORD = 'Zq7!pa55-w0rd';
  const withPassword = (...args: string[]) => {
    const run = spawnCli(args, { cwd: session.folder, cols: 240, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
    session.runs.push(run);
    return run;
  };

  test('a port with no AUTH before or after STARTTLS: no "only after STARTTLS", STARTTLS tried and not offered', async () => {
    const smtp = await server({ auth: false });
    await writeFile(join(session.folder, 'ca.pem'), smtp.caPem);
    const run = withPassword(
      ...['--protocol', 'smtp', '--host', 'localhost', '--port', String(smtp.port), '--no-starttls', '--auth', '--username', USER],
      ...['--time-zone', 'UTC', '--allow-all-users', '--ca-file', 'ca.pem'],
    );
    await run.waitFor(`Problem (AUTH): the server offers no authentication without TLS on port ${smtp.port}, and offers STARTTLS\n`);
    await run.waitFor('Fix: turn STARTTLS on if the server offers authentication after it\n');
    await run.waitFor(
      `With STARTTLS on the check fails as well: the server offers no authentication on port ${smtp.port}: Teaming would send without logging in and never check the password.\n`,
    );
    await run.waitFor('↑↓ navigate');
    assert.ok(run.text().includes(`? ${MENU}\n❯ Change STARTTLS\n  Try again\n  Save anyway\n  Cancel\n`), run.text());
    assert.ok(!run.text().includes('only after STARTTLS'), run.text());
    assert.ok(!run.text().includes('Use the working settings'), run.text());
    run.press('up');
    await run.waitFor('❯ Cancel');
    run.press('enter');
    assert.equal(await run.exit(), 130);
  });

  test('AUTH without TLS and no STARTTLS anywhere: no "Turn STARTTLS on", no SMTPS, the default is another port', async () => {
    const smtp = await server({ mode: 'plain', allowInsecureAuth: true });
    const run = withPassword(
      ...['--protocol', 'smtp', '--host', 'localhost', '--port', String(smtp.port), '--no-starttls', '--auth', '--username', USER],
      ...['--time-zone', 'UTC', '--allow-all-users'],
    );
    await run.waitFor(
      `Problem (AUTH): the password would cross the network unencrypted: no TLS on this connection, and the server offers no STARTTLS on port ${smtp.port}; AUTH was not sent\n`,
    );
    await run.waitFor(`  SMTPS on port ${smtp.port}`);
    const menu = 'The password would cross the network unencrypted. What now?';
    await run.waitFor('↑↓ navigate');
    assert.ok(
      run.text().includes(`? ${menu}\n❯ Change the port\n  Send the password unencrypted anyway (only on a network path you trust)\n  Cancel\n`),
      run.text(),
    );
    assert.ok(!/STARTTLS on|Choose SMTPS|working settings/.test(run.text().slice(run.text().indexOf(menu))), run.text());
    run.press('down');
    await run.waitFor('❯ Send the password unencrypted anyway');
    run.press('enter');
    await run.waitFor(`✔ ${menu} Send it unencrypted\n`);
    await run.waitFor(/Mail server OK: plain SMTP, no TLS, AUTH PLAIN accepted \(the password crossed the network unencrypted\)/);
    await writeAndFinish(run);
    assert.deepEqual(smtp.logins, [{ username: USER, accepted: true }]);
  });
});

describe('reconfigure in a few keys', () => {
  test('"Change one answer…" → Connection timeout: only that question, the change listed and written', async () => {
    await writeFile(
      join(session.folder, 'installer.properties'),
      'mail.transport.protocol=smtp\nmail.smtp.host=mail.example.com\nmail.smtp.port=25\nmail.smtp.auth=false\nmail.smtp.sendpartial=true\n' +
        'mail.smtp.connectiontimeout=15000\nmail.smtp.ssl.checkserveridentity=true\nmail.smtp.starttls.enable=false\nmail.smtp.starttls.required=false\n' +
        'notify.timezone=UTC\nmail.allowSendToAllUsers=true\n',
    );
    const run = start('--reconfigure', '--no-probe');
    await choose(run, 'What would you like to do?', 'Change one answer…', 'down', 1, 'Change one answer');
    await run.waitFor(
      '? Which answer?\n❯ Protocol (SMTP)\n  Mail host (mail.example.com)\n  Port (25)\n  STARTTLS (no)\n  Time zone (UTC)\n  Authentication (no)\n' +
        "  Sender address (the user name)\n  Allow sending to All Users (yes)\n  Connection timeout (15 s)\n  Read timeout (60 s)\n  EHLO name (this machine's name)\n",
    );
    for (let step = 0; step < 3; step++) run.press('up');
    await run.waitFor('❯ Connection timeout (15 s)');
    run.press('enter');
    await run.waitFor('✔ Which answer? Connection timeout\n');
    await answer(run, 'Connection timeout (seconds)', '45', { shown: '15' });
    // The stored file predates the read timeouts: the write adds them, and says so.
    await run.waitFor(
      'Changes to installer.properties\n  Connection timeout      15 s → 45 s\n  Read timeout            (not set) → 60 s\n  mail.smtp.writetimeout  (not set) → 60000\n\n',
    );
    await choose(run, 'Write installer.properties?', 'Write it');
    assert.equal(await run.exit(), 0);
    assert.ok(!/\? (Mail host|Port|Outbound e-mail protocol)/.test(run.text()), run.text());
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), /^mail\.smtp\.connectiontimeout=45000$/m);
  });
});

describe('words', () => {
  test('an IPv6 address as [::1]:port; a refused port is not tried again, nor listed twice', async () => {
    const port = await closedPort();
    const result = await runCli(
      [
        '--non-interactive',
        '--protocol',
        'smtp',
        '--host',
        '::1',
        '--port',
        String(port),
        '--no-starttls',
        '--no-auth',
        '--time-zone',
        'UTC',
        '--allow-all-users',
      ],
      { cwd: session.folder },
    );
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.ok(result.stdout.startsWith(`Checking the mail server (SMTP [::1]:${port})…\n`), result.stdout);
    assert.ok(result.stdout.includes(`\nProblem (Connect): connection refused by [::1]:${port}: nothing listens on port ${port}\n`), result.stdout);
    assert.ok(result.stdout.includes("\nTrying the usual ports of ::1 (465, 587, 25) and the relay services' (2465, 2587, 2525) at once…\n"), result.stdout);
    assert.equal(result.stdout.split(`port ${port}`).length - 1, 2, result.stdout); // the Connect line and the problem, not the port list
  });
});
