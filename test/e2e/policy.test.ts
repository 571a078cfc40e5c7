/**
 * Issues 14 and 15 through the built command: the password and an unencrypted connection
 * (unattended, with and without --allow-plaintext-auth, `show`, `check`, and the wizard's choice
 * on a pseudo-terminal), and the envelope test's refusals. Each asserts the exit code, the stage,
 * the words and fix printed, what the server received, and the file (or that none was written).
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertIncludes, runCli as runPiped, type CliResult } from '../helpers/cli.ts';
import { e2eSession } from '../helpers/e2e-session.ts';
import { answer, choose, spawnCli, type PtyRun } from '../helpers/pty.ts';
import { scriptedServer, startSmtpServer, type RawServer, type TestSmtpServer } from '../helpers/smtp-servers.ts';

const USER = 'teaming@example.com';
const PASSWORD = 'Kx3#policy-Probe!pw';
const WARNING = 'the password crosses the network unencrypted (no TLS): anyone on the network path can read it, and Teaming will send it this way every time';

const session = e2eSession('e2e-policy');

const server = (options: Parameters<typeof startSmtpServer>[0]): Promise<TestSmtpServer> =>
  session.own(startSmtpServer({ accounts: { [USER]: PASSWORD }, ...options }));

const raw = (starting: Promise<RawServer>): Promise<RawServer> => session.own(starting);

function runCli(args: readonly string[]): Promise<CliResult> {
  return runPiped(args, { cwd: session.folder, env: { TEAMING_MAIL_PASSWORD: PASSWORD } });
}

/** Unattended SMTP to 127.0.0.1:port, UTC; the case adds STARTTLS and authentication. */
function unattended(port: number, ...rest: string[]): string[] {
  return ['--non-interactive', '--protocol', 'smtp', '--host', '127.0.0.1', '--port', String(port), '--time-zone', 'UTC', ...rest];
}

function assertNoPassword(result: CliResult): void {
  assert.ok(!`${result.stdout}${result.stderr}`.includes(PASSWORD), 'the password was printed');
}

/** Exit 3, this failure line on stderr, and no file in the folder. */
async function assertFailedNothingWritten(result: CliResult, failure: string): Promise<void> {
  assert.equal(result.code, 3, result.stderr + result.stdout);
  assert.equal(result.stderr, `✖ the mail server check failed: ${failure}; nothing was written (use --no-probe or --force to write anyway)\n`);
  assert.deepEqual(await readdir(session.folder), []);
  assertNoPassword(result);
}

describe('the password and a connection without TLS', () => {
  const plainArgs = (port: number, ...rest: string[]) => unattended(port, '--no-starttls', '--auth', '--username', USER, ...rest);

  test('without --allow-plaintext-auth: exit 3, nothing written, and the server never received AUTH', async () => {
    const smtp = await server({ mode: 'plain', allowInsecureAuth: true });
    const result = await runCli(plainArgs(smtp.port));
    const refusal = `the password would cross the network unencrypted: no TLS on this connection, and the server offers no STARTTLS on port ${smtp.port}; AUTH was not sent`;
    const fix =
      'choose SMTPS (usually port 465) or a port with STARTTLS (usually 587), if the server offers one; only if this network path is trusted, send it unencrypted anyway (--allow-plaintext-auth)';
    await assertFailedNothingWritten(result, `${refusal} — ${fix}`);
    assert.match(result.stdout, new RegExp(`^ {2}✖ AUTH +\\d+ ms {2}${refusal.replace(/[.()]/g, '\\$&')}$`, 'm'));
    assertIncludes(result.stdout, `\nProblem (AUTH): ${refusal}\nFix: ${fix}\n`);
    // The usual ports, and this port as SMTPS, are tried: the lines say whether any offers TLS.
    assertIncludes(
      result.stdout,
      `Trying the usual ports of 127.0.0.1 (465, 587, 25), the relay services' (2465, 2587, 2525) and port ${smtp.port} as SMTPS at once…\n`,
    );
    assert.deepEqual(smtp.logins, []);
  });

  test('with it: AUTH is sent, and the stage line, summary sheet, final message and --json all name the risk', async () => {
    const smtp = await server({ mode: 'plain', allowInsecureAuth: true });
    const result = await runCli(plainArgs(smtp.port, '--allow-plaintext-auth'));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(smtp.logins, [{ username: USER, accepted: true }]);
    assert.match(
      result.stdout,
      new RegExp(
        `^ {2}✔ AUTH +\\d+ ms {2}AUTH PLAIN accepted for teaming@example\\.com \\(235 2\\.7\\.0 Authentication successful\\) — allowed for this run, but ${WARNING.replace(/[.()]/g, '\\$&')}$`,
        'm',
      ),
    );
    assert.match(
      result.stdout,
      /^Mail server OK: plain SMTP, no TLS, AUTH PLAIN accepted \(the password crossed the network unencrypted\), envelope accepted for teaming@example\.com, \d+ ms\nWarning: the password crosses/m,
    );
    assertIncludes(result.stdout, `  Connection timeout          15 s\n  Read timeout                60 s\n  Warning: ${WARNING}\n`);
    assert.equal(
      result.stderr,
      `! With these settings ${WARNING}. To protect it: teaming-mail-setup --reconfigure -f installer.properties, then turn STARTTLS on or choose SMTPS.\n`,
    );
    assertNoPassword(result);
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), /^mail\.smtp\.auth=true\nmail\.smtp\.user=teaming@example\.com\n/m);

    const json = await runCli([...plainArgs(smtp.port, '--allow-plaintext-auth'), '--force', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const document = JSON.parse(json.stdout);
    assert.equal(document.passwordUnencrypted, true);
    assert.equal(document.probe.passwordUnencrypted, true);

    // show and check of that file say it too.
    const shown = await runCli(['show']);
    assertIncludes(shown.stdout, `  Warning: ${WARNING}\n`);
    assert.equal(JSON.parse((await runCli(['show', '--json'])).stdout).passwordUnencrypted, true);
    const logins = smtp.logins.length;
    const checked = await runCli(['check']);
    assert.equal(checked.code, 3);
    assertIncludes(checked.stdout, 'Problem (AUTH): the password would cross the network unencrypted');
    assert.equal(smtp.logins.length, logins, 'check sent AUTH without the flag');
    const allowed = await runCli(['check', '--allow-plaintext-auth']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assertIncludes(allowed.stdout, `\nWarning: ${WARNING}\n`);
    const allowedJson = JSON.parse((await runCli(['check', '--allow-plaintext-auth', '--json'])).stdout);
    assert.equal(allowedJson.passwordUnencrypted, true);
    assert.equal(smtp.logins.length, logins + 2);
  });

  function startWizard(port: number): PtyRun {
    const run = spawnCli(
      [
        '--protocol',
        'smtp',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--time-zone',
        'UTC',
        '--no-starttls',
        '--auth',
        '--username',
        USER,
        '--allow-all-users',
      ],
      { cwd: session.folder },
    );
    session.runs.push(run);
    return run;
  }

  test('the wizard offers the working settings it tried (STARTTLS on, the default), another port, unencrypted anyway or cancel; they pass', async () => {
    const smtp = await server({ mode: 'starttls' });
    await writeFile(join(session.folder, 'ca.pem'), smtp.caPem);
    // localhost, the certificate's name: with TLS on, an IP address host would bring the wizard's name question.
    const run = spawnCli(
      [
        '--protocol',
        'smtp',
        '--host',
        'localhost',
        '--port',
        String(smtp.port),
        '--time-zone',
        'UTC',
        '--no-starttls',
        '--auth',
        '--username',
        USER,
        '--allow-all-users',
        '--ca-file',
        'ca.pem',
      ],
      { cwd: session.folder },
    );
    session.runs.push(run);
    await answer(run, 'Password', PASSWORD, { echo: '•'.repeat(PASSWORD.length) });
    await run.waitFor(
      `Problem (AUTH): the password would cross the network unencrypted: no TLS on this connection, and the server offers STARTTLS on port ${smtp.port}; AUTH was not sent\n`,
    );
    await run.waitFor('Fix: turn STARTTLS on; only if this network path is trusted, send it unencrypted anyway (--allow-plaintext-auth)\n');
    // Tried before it is offered: STARTTLS on this port signs in.
    await run.waitFor('With STARTTLS on the check passes.\n');
    assert.deepEqual(smtp.logins, [{ username: USER, accepted: true }]);
    await choose(run, 'The password would cross the network unencrypted. What now?', 'Use the working settings (STARTTLS on)');
    // The working settings were highlighted at once (the default); sending it unencrypted is never the default.
    assertIncludes(
      run.text(),
      '? The password would cross the network unencrypted. What now?\n❯ Use the working settings (STARTTLS on)\n  Change the port\n  Send the password unencrypted anyway (only on a network path you trust)\n  Cancel\n',
    );
    await run.waitFor(`Checking the mail server (SMTP localhost:${smtp.port} with STARTTLS)…\n`);
    await run.waitFor(/Mail server OK: TLS 1\.3 via STARTTLS, AUTH PLAIN accepted, envelope accepted for teaming@example\.com, \d+ ms\n/);
    await choose(run, 'Write installer.properties?', 'Write it');
    await answer(run, 'Send a test message to (e-mail address, blank to skip)');
    assert.equal(await run.exit(), 0);
    assert.deepEqual(smtp.logins, [
      { username: USER, accepted: true },
      { username: USER, accepted: true },
    ]);
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), /^mail\.smtp\.starttls\.enable=true$/m);
    assert.ok(!run.text().includes('Warning:'), run.text());
  });

  test('the wizard: "Send the password unencrypted anyway" is a deliberate choice, and then every line names the risk', async () => {
    const smtp = await server({ mode: 'plain', allowInsecureAuth: true });
    const run = startWizard(smtp.port);
    await answer(run, 'Password', PASSWORD, { echo: '•'.repeat(PASSWORD.length) });
    await choose(
      run,
      'The password would cross the network unencrypted. What now?',
      'Send the password unencrypted anyway (only on a network path you trust)',
      'down',
      1,
      'Send it unencrypted',
    );
    await run.waitFor(
      / {2}✔ AUTH +\d+ ms {2}AUTH PLAIN accepted for teaming@example\.com \(235 2\.7\.0 Authentication successful\) — allowed for this run, but the password crosses/,
    );
    await run.waitFor(`Warning: ${WARNING}\n`);
    await run.waitFor(`  Warning: ${WARNING}\n`);
    await choose(run, 'Write installer.properties?', 'Write it');
    await run.waitFor('✔ Wrote installer.properties (mode 0600, owner root:root).\n');
    // The test message offered at the end goes the same way, allowed for this run.
    await answer(run, 'Send a test message to (e-mail address, blank to skip)', 'admin@example.com');
    await run.waitFor('✔ Test message sent');
    await run.waitFor(`! With these settings ${WARNING}.`);
    assert.equal(await run.exit(), 0);
    assert.deepEqual(smtp.logins, [
      { username: USER, accepted: true },
      { username: USER, accepted: true },
    ]);
    assert.equal(smtp.messages.length, 1);
  });
});

describe('the envelope test, through the command', () => {
  test('--starttls --no-auth against a server that wants AUTH: exit 3 at the envelope, "turn authentication on"', async () => {
    const smtp = await server({ requireAuth: true });
    await writeFile(join(session.folder, 'ca.pem'), smtp.caPem);
    const result = await runCli(unattended(smtp.port, '--starttls', '--no-auth', '--ca-file', join(session.folder, 'ca.pem')));
    await rm(join(session.folder, 'ca.pem'));
    assert.equal(result.code, 3, result.stderr + result.stdout);
    assert.match(
      result.stdout,
      /^ {2}✖ Envelope +\d+ ms {2}the server takes mail only from an authenticated account: 530 5\.7\.0 Error: authentication Required$/m,
    );
    assertIncludes(result.stdout, 'Fix: turn authentication on, with the user name (the full e-mail address Teaming sends from) and password of the account\n');
    assert.deepEqual(await readdir(session.folder), []);
  });

  test('--no-starttls --no-auth against a server that wants STARTTLS first: exit 3, "turn STARTTLS on"', async () => {
    const smtp = await server({ requireTlsForMail: true, auth: false });
    const result = await runCli(unattended(smtp.port, '--no-starttls', '--no-auth'));
    await assertFailedNothingWritten(result, 'the server takes mail only after STARTTLS: 530 5.7.0 Must issue a STARTTLS command first — turn STARTTLS on');
    assert.match(result.stdout, /^ {2}✖ Envelope +\d+ ms {2}the server takes mail only after STARTTLS/m);
  });

  test('a user name without a domain: tried as Teaming sends it; the server takes it, the check passes and warns of no domain', async () => {
    const commands: string[] = [];
    const bare = await raw(
      scriptedServer((line) => {
        commands.push(line);
        if (line.startsWith('EHLO')) return ['250-bare.test.invalid', '250 AUTH PLAIN'];
        if (line.startsWith('AUTH PLAIN')) return '235 2.7.0 Authentication successful';
        if (line === 'QUIT') return null;
        return '250 2.1.0 Ok';
      }),
    );
    const result = await runCli(unattended(bare.port, '--no-starttls', '--auth', '--username', 'teaming', '--allow-plaintext-auth'));
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.ok(commands.includes('MAIL FROM:<teaming>') && commands.includes('RCPT TO:<postmaster>'), commands.join('\n'));
    assertIncludes(
      result.stdout,
      'MAIL FROM:<teaming> 250 2.1.0 Ok; RCPT TO:<postmaster> 250 2.1.0 Ok (the server took the sender teaming, which has no domain: notifications will carry no domain unless the server adds its own; give a sender address (--sender ADDRESS) to choose it)',
    );
    await rm(join(session.folder, 'installer.properties'));
  });

  test('the wizard: a bare user name asks for the sender; refused without one, "Change the sender address" fixes it', async () => {
    const smtp = await server({ accounts: { teaming: PASSWORD, [USER]: PASSWORD } });
    await writeFile(join(session.folder, 'ca.pem'), smtp.caPem);
    const run = spawnCli(
      [
        '--protocol',
        'smtp',
        '--host',
        'localhost',
        '--port',
        String(smtp.port),
        '--time-zone',
        'UTC',
        '--starttls',
        '--auth',
        '--username',
        'teaming',
        '--allow-all-users',
        '--ca-file',
        'ca.pem',
      ],
      { cwd: session.folder },
    );
    session.runs.push(run);
    await answer(run, 'Password', PASSWORD, { echo: '•'.repeat(PASSWORD.length) });
    await run.waitFor('Teaming sends notifications from the user name (teaming) unless a sender address is set.');
    await answer(run, 'Sender address of notifications');
    await run.waitFor(/ {2}✔ AUTH +\d+ ms {2}AUTH PLAIN accepted for teaming \(/);
    await run.waitFor('Problem (Envelope): the server refused the sender teaming (Teaming sends from the user name when no sender address is set): ');
    await choose(run, 'The mail server check failed. What now?', 'Change the sender address');
    await answer(run, 'Sender address of notifications', USER);
    await run.waitFor(/ {2}✔ Envelope +\d+ ms {2}MAIL FROM:<teaming@example\.com> 250 2\.1\.0 Accepted; RCPT TO:<teaming@example\.com> 250 2\.1\.5 Accepted\n/);
    await choose(run, 'Write installer.properties?', 'Write it');
    await answer(run, 'Send a test message to (e-mail address, blank to skip)');
    assert.equal(await run.exit(), 0);
    const written = await readFile(join(session.folder, 'installer.properties'), 'latin1');
    assert.match(written, /^mail\.smtp\.user=teaming$/m);
    assert.match(written, /^ssf\.outgoing\.from\.address=teaming@example\.com$/m);
  });

  test('a sender the account does not own: exit 3 at the envelope; about the sender, not relaying; --sender named', async () => {
    const smtp = await server({ accounts: { 'jdoe@corp.example': PASSWORD }, ownAddress: 'john.doe@example.com' });
    await writeFile(join(session.folder, 'ca.pem'), smtp.caPem);
    const result = await runCli(unattended(smtp.port, '--starttls', '--auth', '--username', 'jdoe@corp.example', '--ca-file', join(session.folder, 'ca.pem')));
    await rm(join(session.folder, 'ca.pem'));
    await assertFailedNothingWritten(
      result,
      "the server does not let this account send as jdoe@corp.example (Teaming sends from the user name when no sender address is set): 553 5.1.3 <jdoe@corp.example>: Sender address rejected: not owned by user jdoe@corp.example — this is about the sender, not relaying: set the sender address of notifications to an address this account may send from — a verified sender, or the account's own address (--sender ADDRESS)",
    );
    assert.match(result.stdout, /^ {2}✖ Envelope +\d+ ms {2}the server does not let this account send as jdoe@corp\.example/m);
    assert.deepEqual(smtp.logins, [{ username: 'jdoe@corp.example', accepted: true }]);
    await writeFile(join(session.folder, 'ca.pem'), smtp.caPem);
    const owned = await runCli(
      unattended(
        smtp.port,
        '--starttls',
        '--auth',
        '--username',
        'jdoe@corp.example',
        '--sender',
        'john.doe@example.com',
        '--ca-file',
        join(session.folder, 'ca.pem'),
      ),
    );
    await rm(join(session.folder, 'ca.pem'));
    assert.equal(owned.code, 0, owned.stderr + owned.stdout);
    assert.match(await readFile(join(session.folder, 'installer.properties'), 'latin1'), /^ssf\.outgoing\.from\.address=john\.doe@example\.com$/m);
    await rm(join(session.folder, 'installer.properties'));
  });

  test('relay denied for the account: "the account may not send to that domain"', async () => {
    const relay = await raw(
      scriptedServer((line) => {
        if (line.startsWith('EHLO')) return ['250-relay.test.invalid', '250 AUTH PLAIN'];
        if (line.startsWith('AUTH PLAIN')) return '235 2.7.0 Authentication successful';
        if (line.startsWith('RCPT')) return '554 5.7.1 <x@elsewhere.example>: Relay access denied';
        return '250 Ok';
      }),
    );
    const result = await runCli(
      unattended(relay.port, '--no-starttls', '--auth', '--username', USER, '--allow-plaintext-auth', '--test-recipient', 'x@elsewhere.example'),
    );
    await assertFailedNothingWritten(
      result,
      "the server does not relay to x@elsewhere.example for teaming@example.com: 554 5.7.1 <x@elsewhere.example>: Relay access denied — the account may not send to that domain: ask the mail administrator to let teaming@example.com send to outside addresses (Teaming mails every user), or test with a recipient in the server's own domain",
    );
  });

  test('450 and 550 test recipients through check: temporary versus unknown address, each its own fix', async () => {
    const replies: Record<string, string> = { 'busy@example.com': '450 4.2.0 Mailbox busy, try again later', 'nobody@example.com': '550 5.1.1 User unknown' };
    const recipients = await raw(
      scriptedServer((line) => {
        if (line.startsWith('EHLO')) return ['250-rcpt.test.invalid', '250 SIZE 1000'];
        if (line.startsWith('RCPT')) return replies[/<(.*)>/.exec(line)![1]!] ?? '250 Ok';
        return '250 Ok';
      }),
    );
    await writeFile(
      join(session.folder, 'installer.properties'),
      `mail.transport.protocol=smtp\nmail.smtp.host=127.0.0.1\nmail.smtp.port=${recipients.port}\nmail.smtp.auth=false\n`,
    );
    const busy = await runCli(['check', '--test-recipient', 'busy@example.com']);
    assert.equal(busy.code, 3);
    assertIncludes(busy.stdout, 'Problem (Envelope): temporary — the server asks to try again later (450 4.2.0): 450 4.2.0 Mailbox busy, try again later\n');
    assertIncludes(
      busy.stdout,
      'Fix: nothing in the settings needs to change for this: the server accepted the connection, TLS and authentication settings; try again in a few minutes',
    );
    const unknown = await runCli(['check', '--test-recipient', 'nobody@example.com']);
    assert.equal(unknown.code, 3);
    assertIncludes(
      unknown.stdout,
      'Problem (Envelope): the server does not know the address nobody@example.com: 550 5.1.1 User unknown\nFix: check the test recipient address for a typo; the mailbox may not exist\n',
    );
  });

  test('a wrong --accept-certificate fingerprint is named as such: "does not match: the server presents …"', async () => {
    const smtp = await server({ certificate: 'self-signed', auth: false });
    const wrong = `${'AA:'.repeat(31)}AA`;
    const result = await runCli(unattended(smtp.port, '--starttls', '--no-auth', '--accept-certificate', wrong));
    assert.equal(result.code, 3, result.stderr + result.stdout);
    assertIncludes(
      result.stdout,
      `Problem (TLS): the accepted certificate fingerprint ${wrong} does not match: the server presents ${smtp.certificateSha256} (CN=localhost, issued by CN=localhost)\n`,
    );
    assertIncludes(
      result.stdout,
      "Fix: check the fingerprint accepted (given with --accept-certificate, or trusted earlier and saved beside the settings file): if the server's certificate was renewed or you copied another one, accept the one shown here only after checking it with the mail administrator\n",
    );
    assert.deepEqual(await readdir(session.folder), []);
  });
});
