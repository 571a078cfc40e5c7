// The mail services' own refusals, each replayed exactly by a server on 127.0.0.1 at the command
// where the service sends it: every one gets its service's diagnosis and fix, not the generic advice.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { probeSmtp, type ProbeReport } from '../../src/probe/index.ts';
import { MICROSOFT_365_WAYS_FORWARD } from '../../src/probe/provider-replies.ts';
import { FAILURE_TIMEOUT_MS, loopbackSettings } from '../helpers/probe-settings.ts';
import { scriptedServer } from '../helpers/smtp-servers.ts';

type Command = 'EHLO' | 'AUTH' | 'MAIL' | 'END-OF-DATA';

/**
 * A server that answers like a mail service until `at`, where it sends `reply` (its lines as the
 * service sends them); AUTH PLAIN and LOGIN offered, no TLS (the probe is allowed to sign in plain).
 */
async function replay(at: Command, reply: string[]): Promise<ProbeReport> {
  let inData = false;
  const server = await scriptedServer((line) => {
    if (inData) {
      if (line !== '.') return undefined;
      inData = false;
      return at === 'END-OF-DATA' ? reply : '250 2.0.0 Ok: queued as REPLAY1';
    }
    const command = line.split(' ')[0]!.toUpperCase();
    if (command === 'EHLO') return at === 'EHLO' ? reply : ['250-replay.test.invalid', '250 AUTH PLAIN LOGIN'];
    if (command === 'AUTH') return at === 'AUTH' ? reply : '235 2.7.0 Authentication successful';
    if (command === 'MAIL') return at === 'MAIL' ? reply : '250 2.1.0 Ok';
    if (command === 'RCPT') return '250 2.1.5 Ok';
    if (command === 'DATA') {
      inData = true;
      return '354 End data with <CR><LF>.<CR><LF>';
    }
    if (command === 'QUIT') return null;
    return '502 5.5.2 Error: command not recognized';
  });
  try {
    const report = await probeSmtp(loopbackSettings(server.port, { starttls: false, username: 'teaming@example.com' }), {
      timeoutMs: FAILURE_TIMEOUT_MS * 2,
      allowPlaintextAuth: true,
      testMessage: { to: 'someone@example.org', timeZone: 'UTC' },
    });
    assert.equal(report.ok, false, JSON.stringify(report.stages));
    return report;
  } finally {
    await server.close();
  }
}

describe("probe: the refusals of mail services, each in the service's words", () => {
  test('Microsoft 365 535 5.7.139: SMTP AUTH disabled for the tenant, the 2026 situation and both ways forward', async () => {
    const report = await replay('AUTH', [
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [AM0PR02CA0001.eurprd02.prod.outlook.com]',
    ]);
    assert.equal(report.failure?.stage, 'auth');
    assert.equal(report.failure?.kind, 'auth-refused');
    assert.equal(report.failure?.provider, 'Microsoft 365');
    assert.match(
      report.failure?.message ?? '',
      /^SMTP AUTH is disabled for this Microsoft 365 tenant: 535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled/,
    );
    assert.equal(report.failure?.advice, MICROSOFT_365_WAYS_FORWARD);
    assert.match(MICROSOFT_365_WAYS_FORWARD, /end of December 2026/);
    assert.match(MICROSOFT_365_WAYS_FORWARD, /Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled \$false/);
    assert.match(MICROSOFT_365_WAYS_FORWARD, /<tenant>\.mail\.protection\.outlook\.com, port 25, SMTP with STARTTLS, no authentication/);
  });

  test('Microsoft 365 535 5.7.30: basic authentication not supported for client submission', async () => {
    const report = await replay('AUTH', ['535 5.7.30 Basic authentication is not supported for Client Submission.']);
    assert.equal(report.failure?.provider, 'Microsoft 365');
    assert.equal(
      report.failure?.message,
      'Microsoft 365 no longer accepts basic authentication (user name and password) for SMTP on this tenant: 535 5.7.30 Basic authentication is not supported for Client Submission.',
    );
    assert.equal(report.failure?.advice, MICROSOFT_365_WAYS_FORWARD);
  });

  test('Microsoft 365 535 5.7.3: the sign-in refused, the password or SMTP AUTH off', async () => {
    const report = await replay('AUTH', ['535 5.7.3 Authentication unsuccessful [SN4PR0501CA0123.namprd05.prod.outlook.com]']);
    assert.equal(report.failure?.provider, 'Microsoft 365');
    assert.equal(
      report.failure?.message,
      'Microsoft 365 refused the sign-in: 535 5.7.3 Authentication unsuccessful [SN4PR0501CA0123.namprd05.prod.outlook.com]',
    );
    assert.match(report.failure?.advice ?? '', /^check the user name \(the mailbox's full address\) and its password; if they are right, SMTP AUTH is off/);
    assert.ok(report.failure?.advice.endsWith(MICROSOFT_365_WAYS_FORWARD));
    assert.equal(report.failure?.question, 'password');
  });

  test('Google 534-5.7.9: an app password is required', async () => {
    const report = await replay('AUTH', [
      '534-5.7.9 Application-specific password required. Learn more at',
      '534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor d9443c01a7336-21f2d2f1e0asm1234567b.5 - gsmtp',
    ]);
    assert.equal(report.failure?.provider, 'Google');
    assert.equal(report.failure?.kind, 'auth-refused');
    assert.match(
      report.failure?.message ?? '',
      /^Google wants an app password for this account, not its normal password: 534 5\.7\.9 Application-specific password required/,
    );
    assert.match(report.failure?.advice ?? '', /^turn on 2-Step Verification for the account, create an app password/);
  });

  test('Google 535-5.7.8: user name and password not accepted', async () => {
    const report = await replay('AUTH', [
      '535-5.7.8 Username and Password not accepted. For more information, go to',
      '535 5.7.8  https://support.google.com/mail/?p=BadCredentials 41be03b00d2f7-7e5c6d1b2a3sm123456a12.7 - gsmtp',
    ]);
    assert.equal(report.failure?.provider, 'Google');
    assert.match(report.failure?.message ?? '', /^Google did not accept the user name and password: 535 5\.7\.8 Username and Password not accepted/);
    assert.match(report.failure?.advice ?? '', /^the user name is the full Gmail or Workspace address; the password must be an app password/);
  });

  test('Google relay 421 4.7.0 (EHLO): the EHLO name is not fully qualified', async () => {
    const report = await replay('EHLO', [
      '421-4.7.0 Try again later, closing connection. (EHLO)',
      '421 4.7.0  For more information, go to https://support.google.com/a/answer/3221692 - gsmtp',
    ]);
    assert.equal(report.failure?.stage, 'ehlo');
    assert.equal(report.failure?.kind, 'ehlo-refused');
    assert.equal(report.failure?.provider, 'Google');
    assert.match(report.failure?.message ?? '', /^Google's relay refuses the name this machine announces with EHLO: 421 4\.7\.0 Try again later/);
    assert.match(
      report.failure?.advice ?? '',
      /^smtp-relay\.gmail\.com wants a fully-qualified EHLO name: set the name Teaming announces \(mail\.smtp\.localhost\)/,
    );
  });

  const sendGrid =
    '550 The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved. Visit https://sendgrid.com/docs/for-developers/sending-email/sender-identity/ to see the Sender Identity requirements';

  test('SendGrid 550 at the end of the message: the sender is not a verified Sender Identity', async () => {
    const report = await replay('END-OF-DATA', [sendGrid]);
    assert.equal(report.failure?.stage, 'message');
    assert.equal(report.failure?.kind, 'sender-not-owned');
    assert.equal(report.failure?.provider, 'SendGrid');
    assert.equal(report.failure?.message, `SendGrid refuses the sender: it is not a verified Sender Identity: ${sendGrid}`);
    assert.match(report.failure?.advice ?? '', /^verify the address Teaming sends from in SendGrid \(Settings → Sender Authentication/);
  });

  test('SendGrid 550 at MAIL FROM: the same diagnosis at the envelope', async () => {
    const report = await replay('MAIL', [sendGrid]);
    assert.equal(report.failure?.stage, 'envelope');
    assert.equal(report.failure?.provider, 'SendGrid');
    assert.equal(report.failure?.kind, 'sender-not-owned');
  });

  test('Amazon SES 554: the address is not a verified identity in the region', async () => {
    const ses = '554 Message rejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: teaming@example.com';
    const report = await replay('END-OF-DATA', [ses]);
    assert.equal(report.failure?.stage, 'message');
    assert.equal(report.failure?.provider, 'Amazon SES');
    assert.equal(report.failure?.message, `Amazon SES refuses the sender: the address is not a verified identity in this region: ${ses}`);
    assert.match(report.failure?.advice ?? '', /in the SES console of the region the host names .*SES sandbox, every recipient must be verified too$/);
  });

  test('Amazon SES 535: SMTP credentials, not IAM keys', async () => {
    const report = await replay('AUTH', ['535 Authentication Credentials Invalid']);
    assert.equal(report.failure?.provider, 'Amazon SES');
    assert.equal(report.failure?.message, 'Amazon SES refused the SMTP credentials: 535 Authentication Credentials Invalid');
    assert.match(report.failure?.advice ?? '', /^SES signs in with SMTP credentials .*not with an IAM access key and secret/);
  });

  test("a reply no service table knows keeps the generic diagnosis, also with words like a service's under another code", async () => {
    for (const reply of ['535 5.7.8 Error: authentication failed: bad password', '535 5.7.8 Authentication credentials invalid']) {
      const report = await replay('AUTH', [reply]);
      assert.equal(report.failure?.provider, undefined, reply);
      assert.equal(report.failure?.kind, 'auth-refused');
      assert.match(report.failure?.advice ?? '', /^authentication refused \(535 5\.7\.8\): check the password/);
    }
  });
});
