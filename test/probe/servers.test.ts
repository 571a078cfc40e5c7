// The probe against real SMTP servers (smtp-server) on 127.0.0.1: TLS, AUTH, test message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { probeSmtp } from '../../src/probe/index.ts';
import type { LookupFunction, ProbeReport, ProbeStage } from '../../src/probe/index.ts';
import { timeStampPreview } from '../../src/settings/time-zones.ts';
import { FAILURE_TIMEOUT_MS, loopbackSettings } from '../helpers/probe-settings.ts';
import { TEST_PASSWORD, TEST_QUEUE_ID, TEST_USER, startSmtpServer, startStarttlsServer, type TestSmtpServer } from '../helpers/smtp-servers.ts';

function outcomes(report: ProbeReport): string {
  return report.stages.map((stage) => `${stage.name}:${stage.outcome}`).join(' ');
}

function assertNoPassword(value: unknown, password = TEST_PASSWORD): void {
  const text = JSON.stringify(value);
  assert.ok(!text.includes(password), 'the password appears in the report');
  assert.ok(!text.includes(Buffer.from(password).toString('base64')), 'the base64 password appears in the report');
}

describe('probe: real SMTP servers', () => {
  const servers: TestSmtpServer[] = [];
  let starttls: TestSmtpServer;
  let implicit: TestSmtpServer;
  let plain: TestSmtpServer;
  before(async () => {
    starttls = await startStarttlsServer();
    implicit = await startSmtpServer({ mode: 'implicit' });
    plain = await startSmtpServer({ mode: 'plain', auth: false });
    servers.push(starttls, implicit, plain);
  });
  after(() => Promise.all(servers.map((server) => server.close())));

  test('plain SMTP without TLS or AUTH', async () => {
    const report = await probeSmtp(loopbackSettings(plain.port, { starttls: false, auth: false, username: '', password: '' }), { timeoutMs: 5000 });
    assert.equal(report.ok, true, report.failure?.message);
    assert.equal(outcomes(report), 'dns:ok connect:ok greeting:ok ehlo:ok tls:skipped auth:skipped envelope:ok message:skipped');
    assert.match(report.summary ?? '', /^plain SMTP, no TLS, no authentication, envelope accepted for postmaster, \d+ ms$/);
    assert.equal(report.banner, '220 mail.test.invalid ESMTP teaming-mail-setup test server');
    assert.equal(report.stages.find((stage) => stage.name === 'tls')?.detail, 'STARTTLS off (the server does not offer it)');
  });

  test('STARTTLS + AUTH with the CA trusted: every stage, the summary, live stage lines', async () => {
    const seen: ProbeStage[] = [];
    const report = await probeSmtp(loopbackSettings(starttls.port), { timeoutMs: 5000, ca: starttls.caPem }, (stage) => seen.push(stage));
    assert.equal(report.ok, true, report.failure?.message);
    assert.equal(outcomes(report), 'dns:ok connect:ok greeting:ok ehlo:ok tls:ok auth:ok envelope:ok message:skipped');
    assert.deepEqual(
      seen.map((stage) => stage.name),
      ['dns', 'connect', 'greeting', 'ehlo', 'tls', 'auth', 'envelope', 'message'],
    );
    assert.match(report.summary ?? '', /^TLS 1\.[23] via STARTTLS, AUTH PLAIN accepted, envelope accepted for teaming@example\.com, \d+ ms$/);
    // The envelope test: the account as sender and, without a test recipient, as recipient; both replies shown; nothing sent.
    assert.equal(
      report.stages.find((stage) => stage.name === 'envelope')!.detail,
      'MAIL FROM:<teaming@example.com> 250 2.1.0 Accepted; RCPT TO:<teaming@example.com> 250 2.1.5 Accepted',
    );
    assert.ok(report.transcript.includes('C: RSET'), report.transcript.join('\n'));
    assert.ok(!report.transcript.includes('C: DATA'));
    const ehlo = report.stages.find((stage) => stage.name === 'ehlo')!;
    assert.match(ehlo.detail, /^mail\.test\.invalid: STARTTLS, AUTH PLAIN LOGIN, SIZE 10 MB/);
    const tls = report.stages.find((stage) => stage.name === 'tls')!;
    assert.match(tls.detail, /^TLSv1\.[23] \S+ via STARTTLS; certificate CN=localhost issued by CN=teaming-mail-setup test CA, expires .+: trusted/);
    assert.equal(report.certificate?.sha256, starttls.certificateSha256);
    assert.equal(report.certificate?.trusted, true);
    assert.match(report.stages.find((stage) => stage.name === 'auth')!.detail, /^AUTH PLAIN accepted for teaming@example\.com \(235 2\.7\.0 /);
    assert.deepEqual(starttls.logins.at(-1), { username: TEST_USER, accepted: true });
    assert.ok(report.transcript.includes('C: AUTH PLAIN <secret>'));
    assertNoPassword(report);
    assertNoPassword(seen);
  });

  test('implicit TLS (SMTPS) + AUTH: TLS comes right after connect', async () => {
    const report = await probeSmtp(loopbackSettings(implicit.port, { protocol: 'smtps', starttls: false }), { timeoutMs: 5000, ca: implicit.caPem });
    assert.equal(report.ok, true, report.failure?.message);
    assert.equal(outcomes(report), 'dns:ok connect:ok tls:ok greeting:ok ehlo:ok auth:ok envelope:ok message:skipped');
    assert.match(report.summary ?? '', /^TLS 1\.[23] \(SMTPS\), AUTH PLAIN accepted, envelope accepted for teaming@example\.com, \d+ ms$/);
    assert.match(report.stages.find((stage) => stage.name === 'tls')!.detail, / implicit TLS \(SMTPS\); certificate CN=localhost/);
  });

  test('IPv6 loopback literal, with or without brackets: no lookup, EHLO from an IPv6 address literal', async () => {
    const v6 = await startSmtpServer({ listen: '::1' });
    try {
      for (const host of ['[::1]', '::1']) {
        const report = await probeSmtp(loopbackSettings(v6.port, { host }), { timeoutMs: 5000, ca: v6.caPem });
        assert.equal(report.ok, true, report.failure?.message);
        assert.equal(report.address, '::1');
        assert.equal(report.stages[0]?.detail, '::1 is an IP address: no lookup');
        assert.equal(report.stages[1]?.detail, `connected to [::1]:${v6.port}`);
        assert.ok(report.transcript.includes('C: EHLO [IPv6:::1]'), report.transcript.join('\n'));
      }
    } finally {
      await v6.close();
    }
  });

  test('wrong password: auth-refused with the 535 code and the advice; the password appears nowhere', async () => {
    const wrong = 'Wr0ng!pa55-Xy9';
    const report = await probeSmtp(loopbackSettings(starttls.port, { username: 'teaming', password: wrong }), { timeoutMs: 5000, ca: starttls.caPem });
    assert.equal(report.ok, false);
    assert.equal(report.failure?.stage, 'auth');
    assert.equal(report.failure?.kind, 'auth-refused');
    assert.equal(report.failure?.serverReply, '535 5.7.8 Authentication credentials invalid');
    assert.equal(
      report.failure?.advice,
      'authentication refused (535 5.7.8): check the password; some servers need the full e-mail address instead of the user name, or the other way round',
    );
    assert.equal(report.failure?.question, 'password');
    assert.equal(outcomes(report), 'dns:ok connect:ok greeting:ok ehlo:ok tls:ok auth:failed envelope:skipped message:skipped');
    assertNoPassword(report, wrong);
  });

  test('user name vs full address accounts: the advice points the other way', async () => {
    const byName = await startSmtpServer({ accounts: { alice: TEST_PASSWORD } });
    const byAddress = await startSmtpServer({ accounts: { 'bob@example.com': TEST_PASSWORD } });
    try {
      const options = { timeoutMs: 5000, ca: byName.caPem };
      const addressForName = await probeSmtp(loopbackSettings(byName.port, { username: 'alice@example.com' }), options);
      assert.equal(addressForName.failure?.kind, 'auth-refused');
      assert.equal(
        addressForName.failure?.advice,
        'authentication refused (535 5.7.8): check the password; some servers need the user name without the domain instead of the full e-mail address, or the other way round',
      );
      // The login works, but Teaming would send as "alice": the envelope test stops before MAIL FROM.
      const name = await probeSmtp(loopbackSettings(byName.port, { username: 'alice' }), options);
      assert.equal(name.stages.find((stage) => stage.name === 'auth')?.outcome, 'ok');
      assert.equal(name.failure?.stage, 'envelope');
      assert.equal(name.failure?.kind, 'sender-not-address');
      assert.equal(
        name.failure?.message,
        'the user name "alice" is not an e-mail address, and Teaming sends its notifications from the user name: a bare name is not a valid sender address',
      );
      assert.equal(name.failure?.advice, 'enter the full e-mail address of the account as the user name (the server must accept it for authentication too)');
      assert.equal(name.failure?.question, 'username');
      assert.ok(!name.transcript.some((line) => line.startsWith('C: MAIL')), name.transcript.join('\n'));

      const nameForAddress = await probeSmtp(loopbackSettings(byAddress.port, { username: 'bob' }), options);
      assert.equal(nameForAddress.failure?.kind, 'auth-refused');
      assert.match(nameForAddress.failure?.advice ?? '', /need the full e-mail address instead of the user name/);
      const address = await probeSmtp(loopbackSettings(byAddress.port, { username: 'bob@example.com' }), options);
      assert.equal(address.ok, true, address.failure?.message);
      assert.deepEqual(
        byAddress.logins.map((login) => login.accepted),
        [false, true],
      );
    } finally {
      await Promise.all([byName.close(), byAddress.close()]);
    }
  });

  test('AUTH not offered: auth-missing, suggests turning authentication off', async () => {
    const noAuth = await startSmtpServer({ auth: false });
    try {
      const report = await probeSmtp(loopbackSettings(noAuth.port), { timeoutMs: 5000, ca: noAuth.caPem });
      assert.equal(report.failure?.stage, 'auth');
      assert.equal(report.failure?.kind, 'auth-missing');
      assert.deepEqual(report.failure?.suggestion, { auth: false });
      assert.equal(report.failure?.question, 'auth');
      assert.equal(
        report.failure?.advice,
        'turn authentication off if this server accepts mail from this machine without it, or use the submission port 587 (SMTP with STARTTLS) or 465 (SMTPS)',
      );
    } finally {
      await noAuth.close();
    }
  });

  test('STARTTLS off, server offers it: AUTH is not sent unencrypted; allowed, the 538 says turn STARTTLS on', async () => {
    const logins = starttls.logins.length;
    const refused = await probeSmtp(loopbackSettings(starttls.port, { starttls: false }), { timeoutMs: 5000 });
    assert.equal(refused.failure?.stage, 'auth');
    assert.equal(refused.failure?.kind, 'auth-plaintext');
    assert.equal(
      refused.failure?.message,
      `the password would cross the network unencrypted: no TLS on this connection, and the server offers STARTTLS on port ${starttls.port}; AUTH was not sent`,
    );
    assert.equal(refused.failure?.advice, 'turn STARTTLS on; only if this network path is trusted, send it unencrypted anyway (--allow-plaintext-auth)');
    assert.deepEqual(refused.failure?.suggestion, { starttls: true });
    assert.ok(!refused.transcript.some((line) => line.startsWith('C: AUTH')), refused.transcript.join('\n'));
    assert.equal(starttls.logins.length, logins);

    const report = await probeSmtp(loopbackSettings(starttls.port, { starttls: false }), { timeoutMs: 5000, allowPlaintextAuth: true });
    assert.equal(report.failure?.stage, 'auth');
    assert.equal(report.failure?.kind, 'auth-needs-tls');
    assert.equal(report.failure?.advice, 'turn STARTTLS on');
    assert.match(report.failure?.serverReply ?? '', /^538 5\.7\.0 Error: Must issue a STARTTLS command first$/);
    assert.deepEqual(report.failure?.suggestion, { starttls: true });
    assert.equal(report.failure?.question, 'starttls');
    assert.equal(report.stages.find((stage) => stage.name === 'tls')?.detail, 'STARTTLS off (the server offers it): mail and password travel unencrypted');
  });

  test('STARTTLS not offered: starttls-missing at the TLS stage', async () => {
    const report = await probeSmtp(loopbackSettings(plain.port), { timeoutMs: 5000 });
    assert.equal(report.failure?.stage, 'tls');
    assert.equal(report.failure?.kind, 'starttls-missing');
    assert.equal(report.failure?.message, `the server does not offer STARTTLS on port ${plain.port}`);
    assert.equal(report.failure?.advice, 'turn STARTTLS off (mail and password then travel unencrypted), or choose SMTPS on port 465 if the server offers it');
    assert.deepEqual(report.failure?.suggestion, { starttls: false });
    assert.equal(report.failure?.question, 'starttls');
  });

  test('certificate signed by an unknown CA: untrusted, then trusted with the CA file', async () => {
    const untrusted = await probeSmtp(loopbackSettings(starttls.port), { timeoutMs: 5000 });
    assert.equal(untrusted.failure?.stage, 'tls');
    assert.equal(untrusted.failure?.kind, 'certificate-untrusted');
    assert.equal(untrusted.failure?.certificateSha256, starttls.certificateSha256);
    assert.equal(
      untrusted.failure?.advice,
      `trust the CA that signed it with --ca-file (its PEM file), or accept this certificate explicitly by its SHA-256 fingerprint ${starttls.certificateSha256}`,
    );
    assert.equal(untrusted.certificate?.trusted, false);
    const before = starttls.logins.length;
    // nothing secret was sent over the unverified connection
    const again = await probeSmtp(loopbackSettings(starttls.port), { timeoutMs: 5000 });
    assert.equal(again.failure?.kind, 'certificate-untrusted');
    assert.equal(starttls.logins.length, before);

    const trusted = await probeSmtp(loopbackSettings(starttls.port), { timeoutMs: 5000, ca: starttls.caPem });
    assert.equal(trusted.ok, true, trusted.failure?.message);
    assert.equal(trusted.certificate?.verification, 'trusted');
  });

  test('self-signed certificate: untrusted even with the CA, accepted by its fingerprint', async () => {
    const selfSigned = await startSmtpServer({ mode: 'implicit', certificate: 'self-signed' });
    try {
      const settings = loopbackSettings(selfSigned.port, { protocol: 'smtps', starttls: false });
      const report = await probeSmtp(settings, { timeoutMs: 5000, ca: selfSigned.caPem });
      assert.equal(report.failure?.kind, 'certificate-untrusted');
      assert.match(report.failure?.message ?? '', /^the server's certificate is not trusted: self-signed certificate \(CN=localhost/);
      assert.equal(report.failure?.certificateSha256, selfSigned.certificateSha256);
      assert.deepEqual(selfSigned.logins, []);

      const typed = selfSigned.certificateSha256.replaceAll(':', '').toLowerCase();
      const accepted = await probeSmtp(settings, { timeoutMs: 5000, acceptCertificateSha256: typed });
      assert.equal(accepted.ok, true, accepted.failure?.message);
      assert.equal(accepted.certificate?.verification, 'accepted by fingerprint');

      const otherPrint = await probeSmtp(settings, { timeoutMs: 5000, acceptCertificateSha256: starttls.certificateSha256 });
      assert.equal(otherPrint.failure?.kind, 'certificate-fingerprint-mismatch');
      assert.match(
        otherPrint.failure?.message ?? '',
        new RegExp(
          `^the accepted certificate fingerprint ${starttls.certificateSha256} does not match: the server presents ${selfSigned.certificateSha256} \\(CN=localhost`,
        ),
      );
      assert.equal(otherPrint.failure?.certificateSha256, selfSigned.certificateSha256);
    } finally {
      await selfSigned.close();
    }
  });

  test('certificate for another name: name mismatch, reached through an injected lookup', async () => {
    const lookup: LookupFunction = async () => [{ address: '127.0.0.1', family: 4 }];
    const report = await probeSmtp(loopbackSettings(starttls.port, { host: 'mail.example.test' }), { timeoutMs: 5000, ca: starttls.caPem, lookup });
    assert.equal(report.failure?.stage, 'tls');
    assert.equal(report.failure?.kind, 'certificate-name-mismatch');
    assert.equal(
      report.failure?.message,
      "the server's certificate is for DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, not for mail.example.test",
    );
    assert.equal(
      report.failure?.advice,
      `enter the host name the certificate names, or accept this certificate explicitly by its SHA-256 fingerprint ${starttls.certificateSha256}`,
    );
    assert.equal(report.failure?.question, 'host');
  });

  test('expired certificate: certificate-expired, even from a trusted CA', async () => {
    const expired = await startSmtpServer({ certificate: 'expired' });
    try {
      const report = await probeSmtp(loopbackSettings(expired.port), { timeoutMs: 5000, ca: expired.caPem });
      assert.equal(report.failure?.kind, 'certificate-expired');
      assert.match(report.failure?.message ?? '', /^the server's certificate is expired \(valid .+ to .+\)$/);
      assert.equal(report.failure?.certificateSha256, expired.certificateSha256);
      assert.deepEqual(expired.logins, []);
    } finally {
      await expired.close();
    }
  });

  test('AUTH LOGIN when the server offers only LOGIN: accepted, and refused with the wrong password', async () => {
    const loginOnly = await startSmtpServer({ authMethods: ['LOGIN'] });
    try {
      const ok = await probeSmtp(loopbackSettings(loginOnly.port), { timeoutMs: 5000, ca: loginOnly.caPem });
      assert.equal(ok.ok, true, ok.failure?.message);
      assert.match(ok.summary ?? '', /, AUTH LOGIN accepted, /);
      const wrong = 'L0gin-Wrong#77';
      const refused = await probeSmtp(loopbackSettings(loginOnly.port, { password: wrong }), { timeoutMs: 5000, ca: loginOnly.caPem });
      assert.equal(refused.failure?.kind, 'auth-refused');
      assert.equal(refused.failure?.serverReply, '535 5.7.8 Authentication credentials invalid');
      assert.ok(refused.transcript.includes('C: <secret>'));
      assertNoPassword(refused, wrong);
      assertNoPassword(ok);
    } finally {
      await loginOnly.close();
    }
  });

  test('recipient refused without authentication: turn authentication on', async () => {
    const relay = await startSmtpServer({ mode: 'plain', auth: false, refuseRecipients: true });
    try {
      const report = await probeSmtp(loopbackSettings(relay.port, { starttls: false, auth: false, username: '', password: '' }), {
        timeoutMs: 5000,
        testMessage: { to: 'someone@example.org', timeZone: 'UTC' },
      });
      // The envelope test meets the refusal; a relay refusal is policy (5.7.x in spirit), whatever smtp-server's default 5.1.1 says.
      assert.equal(report.failure?.stage, 'envelope');
      assert.equal(report.failure?.kind, 'auth-required');
      assert.equal(report.failure?.serverReply, '550 5.1.1 Relay access denied');
      assert.equal(
        report.failure?.message,
        'the server does not relay to someone@example.org for this machine without authentication: 550 5.1.1 Relay access denied',
      );
      assert.equal(
        report.failure?.advice,
        'turn authentication on, with the user name (the full e-mail address Teaming sends from) and password of the account',
      );
      assert.deepEqual(report.failure?.suggestion, { auth: true });
      assert.deepEqual(relay.messages, []);
    } finally {
      await relay.close();
    }
  });

  test('test message: received by the server, body shows the time stamp in the chosen zone, queue id reported', async () => {
    const zone = 'Asia/Kolkata';
    const sentBefore = new Date();
    const report = await probeSmtp(loopbackSettings(starttls.port), {
      timeoutMs: 5000,
      ca: starttls.caPem,
      testMessage: { to: 'admin@example.com', timeZone: zone },
    });
    const sentAfter = new Date();
    assert.equal(report.ok, true, report.failure?.message);
    assert.equal(report.accepted?.queueId, TEST_QUEUE_ID);
    assert.equal(report.accepted?.reply, `250 2.6.0 Ok: queued as ${TEST_QUEUE_ID}`);
    assert.match(report.summary ?? '', new RegExp(`AUTH PLAIN accepted, test message queued as ${TEST_QUEUE_ID}, \\d+ ms$`));
    const message = starttls.messages.at(-1) ?? '';
    assert.match(message, /^From: teaming@example\.com\r\n/m);
    assert.match(message, /^To: admin@example\.com\r\n/m);
    const stamps = new Set([timeStampPreview(zone, sentBefore), timeStampPreview(zone, sentAfter)]);
    assert.ok(
      [...stamps].some((stamp) => message.includes(`Notification time stamp: ${stamp} (${zone})`)),
      `no time stamp ${[...stamps].join(' / ')} in:\n${message}`,
    );
    assert.match([...stamps][0]!, /GMT\+5:30$/);
  });

  test('test message: an address with a line break is refused before anything is sent', async () => {
    const count = starttls.messages.length;
    const report = await probeSmtp(loopbackSettings(starttls.port), {
      timeoutMs: 5000,
      ca: starttls.caPem,
      testMessage: { to: 'admin@example.com>\r\nRCPT TO:<other@example.com', timeZone: 'UTC' },
    });
    assert.equal(report.failure?.stage, 'envelope');
    assert.equal(report.failure?.kind, 'recipient-refused');
    assert.equal(report.failure?.advice, 'enter an address such as admin@example.com');
    assert.ok(!report.transcript.some((line) => line.startsWith('C: MAIL FROM')));
    assert.equal(starttls.messages.length, count);
  });

  test('SMTP spoken to an implicit-TLS port: expects-tls, choose SMTPS', async () => {
    const started = performance.now();
    const report = await probeSmtp(loopbackSettings(implicit.port), { timeoutMs: FAILURE_TIMEOUT_MS });
    assert.ok(performance.now() - started < FAILURE_TIMEOUT_MS + 1000);
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'expects-tls');
    assert.equal(report.failure?.advice, 'this port expects SMTPS (TLS from the first byte): choose SMTPS');
    assert.deepEqual(report.failure?.suggestion, { protocol: 'smtps', starttls: false });
    assert.equal(report.failure?.question, 'protocol');
  });

  test('SMTPS spoken to a STARTTLS port: plain-port, the server offers STARTTLS: choose SMTP', async () => {
    const report = await probeSmtp(loopbackSettings(starttls.port, { protocol: 'smtps', starttls: false }), { timeoutMs: FAILURE_TIMEOUT_MS });
    assert.equal(report.failure?.stage, 'tls');
    assert.equal(report.failure?.kind, 'plain-port');
    // The first bytes the server sent, printable: smtp-server answers the early ClientHello with 421 (or had greeted first).
    assert.match(
      report.failure?.message ?? '',
      new RegExp(
        `^port ${starttls.port} answered TLS with plain text \\(wrong version number\\): "(421 4\\.4\\.2 mail\\.test\\.invalid You talk too soon|220 mail\\.test\\.invalid ESMTP)`,
      ),
    );
    assert.match(report.failure?.detail ?? '', /wrong version number/i);
    assert.equal(report.failure?.advice, `the server offers STARTTLS on ${starttls.port}: choose SMTP`);
    assert.deepEqual(report.failure?.suggestion, { protocol: 'smtp', starttls: true });
    assert.equal(report.failure?.question, 'protocol');
  });

  test('SMTPS spoken to a plain port without STARTTLS: choose SMTP, unencrypted', async () => {
    const report = await probeSmtp(loopbackSettings(plain.port, { protocol: 'smtps', starttls: false }), { timeoutMs: FAILURE_TIMEOUT_MS });
    assert.equal(report.failure?.kind, 'plain-port');
    assert.equal(
      report.failure?.advice,
      `port ${plain.port} speaks plain SMTP without STARTTLS: choose SMTP (unencrypted), or SMTPS on 465 if the server offers it`,
    );
    assert.deepEqual(report.failure?.suggestion, { protocol: 'smtp', starttls: false });
  });
});
