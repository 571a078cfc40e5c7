// The probe's policy, against servers on 127.0.0.1: the password never goes out without TLS unless
// allowed; TLS failures in words; 4xx read as temporary; the envelope test and its refusals; a
// reset reported at its stage, every run the same. Each case asserts stage, kind, message and fix.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tlsFailure } from '../../src/probe/failures.ts';
import { probeSmtp } from '../../src/probe/index.ts';
import type { ProbeOptions, ProbeReport } from '../../src/probe/index.ts';
import type { MailSettings } from '../../src/settings/settings.ts';
import { FAILURE_TIMEOUT_MS, loopbackSettings } from '../helpers/probe-settings.ts';
import { scriptedServer, startRawServer, startSmtpServer, TEST_PASSWORD, TEST_USER, type RawServer, type TestSmtpServer } from '../helpers/smtp-servers.ts';

const NO_AUTH: Partial<MailSettings> = { auth: false, username: '', password: '' };

/** No OpenSSL error string (`error:0A00010B:SSL routines:…`) may be the message or the fix. */
function assertWords(report: ProbeReport): void {
  for (const text of [report.failure?.message ?? '', report.failure?.advice ?? '']) {
    assert.doesNotMatch(text, /SSL routines|error:[0-9A-F]{8}|ERR_SSL|ssl3_/i, text);
  }
}

/** Probes a raw server; `settled`: wait (up to 2 s) until the server has seen what the probe sent last. */
async function probeRaw(server: Promise<RawServer>, overrides: Partial<MailSettings>, options: ProbeOptions = {}, settled = () => true): Promise<ProbeReport> {
  const started = await server;
  try {
    const report = await probeSmtp(loopbackSettings(started.port, overrides), { timeoutMs: FAILURE_TIMEOUT_MS, ...options });
    for (let waited = 0; !settled() && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return report;
  } finally {
    await started.close();
  }
}

/** A plain SMTP server (no TLS) that answers the envelope with `rcpt` and records every command. */
function envelopeServer(rcpt: string, commands: string[] = []): Promise<RawServer> {
  return scriptedServer((line) => {
    commands.push(line);
    if (line.startsWith('EHLO')) return ['250-envelope.test.invalid', '250 SIZE 1000'];
    if (line.startsWith('MAIL FROM:')) return '250 2.1.0 Ok';
    if (line.startsWith('RCPT TO:')) return rcpt;
    if (line === 'RSET') return '250 2.0.0 Ok';
    return line === 'QUIT' ? '221 2.0.0 Bye' : '502 5.5.2 no';
  });
}

describe('probe policy: no password without TLS', () => {
  let plainAuth: TestSmtpServer;
  before(async () => {
    // Offers AUTH PLAIN LOGIN on a connection without TLS, and would accept it.
    plainAuth = await startSmtpServer({ mode: 'plain', allowInsecureAuth: true });
  });
  after(() => plainAuth.close());

  test('AUTH offered without STARTTLS: stops before AUTH; the server never sees a login', async () => {
    const report = await probeSmtp(loopbackSettings(plainAuth.port, { starttls: false }), { timeoutMs: 5000 });
    assert.equal(report.ok, false);
    assert.equal(report.failure?.stage, 'auth');
    assert.equal(report.failure?.kind, 'auth-plaintext');
    assert.equal(
      report.failure?.message,
      `the password would cross the network unencrypted: no TLS on this connection, and the server offers no STARTTLS on port ${plainAuth.port}; AUTH was not sent`,
    );
    assert.equal(
      report.failure?.advice,
      'choose SMTPS (usually port 465) or a port with STARTTLS (usually 587), if the server offers one; only if this network path is trusted, send it unencrypted anyway (--allow-plaintext-auth)',
    );
    assert.equal(report.stages.find((stage) => stage.name === 'auth')?.outcome, 'failed');
    assert.equal(report.passwordUnencrypted, false);
    assert.deepEqual(plainAuth.logins, []);
    assert.ok(!report.transcript.some((line) => /^C: AUTH/.test(line)), report.transcript.join('\n'));
  });

  test('allowed for this run: AUTH goes out, and the stage line and summary say it crossed unencrypted', async () => {
    const report = await probeSmtp(loopbackSettings(plainAuth.port, { starttls: false }), { timeoutMs: 5000, allowPlaintextAuth: true });
    assert.equal(report.ok, true, report.failure?.message);
    assert.deepEqual(plainAuth.logins, [{ username: TEST_USER, accepted: true }]);
    assert.equal(report.passwordUnencrypted, true);
    assert.match(
      report.stages.find((stage) => stage.name === 'auth')!.detail,
      /^AUTH PLAIN accepted for teaming@example\.com \(235 2\.7\.0 Authentication successful\) — allowed for this run, but the password crosses the network unencrypted \(no TLS\): anyone on the network path can read it, and Teaming will send it this way every time$/,
    );
    assert.match(
      report.summary ?? '',
      /^plain SMTP, no TLS, AUTH PLAIN accepted \(the password crossed the network unencrypted\), envelope accepted for teaming@example\.com, \d+ ms$/,
    );
  });

  test('with TLS in effect the flag changes nothing: passwordUnencrypted stays false', async () => {
    const tlsServer = await startSmtpServer();
    try {
      const report = await probeSmtp(loopbackSettings(tlsServer.port), { timeoutMs: 5000, ca: tlsServer.caPem, allowPlaintextAuth: true });
      assert.equal(report.ok, true, report.failure?.message);
      assert.equal(report.passwordUnencrypted, false);
    } finally {
      await tlsServer.close();
    }
  });
});

describe('probe policy: TLS failures in words', () => {
  test('STARTTLS answered with 220, then plain text: "sent plain text where TLS was expected", the bytes shown', async () => {
    const server = startRawServer((socket) => {
      socket.write('220 plain.test.invalid ESMTP\r\n');
      let upgraded = false;
      socket.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        if (upgraded) return void socket.write('220 plain.test.invalid ESMTP hello again\r\n');
        if (text.startsWith('EHLO')) socket.write('250-plain.test.invalid\r\n250 STARTTLS\r\n');
        if (text.startsWith('STARTTLS')) {
          upgraded = true;
          socket.write('220 2.0.0 Ready to start TLS\r\n');
        }
      });
    });
    const report = await probeRaw(server, {});
    assert.equal(report.failure?.stage, 'tls');
    assert.equal(report.failure?.kind, 'starttls-plain');
    assert.equal(
      report.failure?.message,
      'the server agreed to STARTTLS, then sent plain text where TLS was expected: "220 plain.test.invalid ESMTP hello again"',
    );
    assert.equal(
      report.failure?.advice,
      "the server's STARTTLS is broken (or something between, such as a proxy or virus scanner, answers for it): ask the mail administrator, or choose SMTPS on port 465 if the server offers it",
    );
    assert.match(report.failure?.detail ?? '', /wrong version number/i);
    assertWords(report);
  });

  test('OpenSSL errors become words; their text is only the detail', () => {
    const settings = loopbackSettings(465, { protocol: 'smtps', starttls: false });
    const openSsl = (reason: string, code: string) =>
      Object.assign(
        new Error(
          `80CC6C0AF57F0000:error:0A0000C1:SSL routines:tls_post_process_client_hello:${reason}:../deps/openssl/openssl/ssl/statem/statem_srvr.c:2220:`,
        ),
        { code },
      );
    const cases = [
      [openSsl('no shared cipher', 'ERR_SSL_NO_SHARED_CIPHER'), 'tls-cipher', 'the server and this client share no cipher'],
      [openSsl('unsupported protocol', 'ERR_SSL_UNSUPPORTED_PROTOCOL'), 'tls-version', 'the server and this client share no TLS version'],
      [openSsl('sslv3 alert bad record mac', 'ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC'), 'tls-failed', 'the TLS handshake failed'],
    ] as const;
    for (const [error, kind, message] of cases) {
      const { failure } = tlsFailure(error, settings, true);
      assert.equal(failure.kind, kind);
      assert.equal(failure.message, message);
      assert.match(failure.detail ?? '', /SSL routines/);
      assertWords({ failure } as ProbeReport);
    }
  });

  test('454 to STARTTLS: temporary, the server asks to try again later; no setting to change', async () => {
    const report = await probeRaw(
      scriptedServer((line) =>
        line.startsWith('EHLO')
          ? ['250-busy.test.invalid', '250 STARTTLS']
          : line === 'STARTTLS'
            ? '454 4.7.0 TLS not available due to temporary reason'
            : '502 5.5.2 no',
      ),
      {},
    );
    assert.equal(report.failure?.stage, 'tls');
    assert.equal(report.failure?.kind, 'temporary');
    assert.equal(report.failure?.message, 'temporary — the server asks to try again later (454 4.7.0): 454 4.7.0 TLS not available due to temporary reason');
    assert.equal(
      report.failure?.advice,
      'nothing in the settings needs to change for this: the server accepted the host, port and protocol; try again in a few minutes (the server may be busy, greylisting this machine or limiting connections); if it keeps saying this, ask the mail administrator',
    );
    assert.equal(report.failure?.suggestion, undefined);
    assert.equal(report.failure?.question, undefined);
  });

  test('421 greeting: temporary, not "the server refuses this connection"', async () => {
    const report = await probeRaw(
      scriptedServer(() => undefined, '421 4.3.2 Service not available, try again later'),
      {},
    );
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'temporary');
    assert.match(report.failure?.message ?? '', /^temporary — the server asks to try again later \(421 4\.3\.2\): 421 4\.3\.2 Service not available/);
  });
});

describe('probe policy: recipients read by their reply class', () => {
  test('450 recipient: temporary — the settings were accepted; no wrong-address fix', async () => {
    const report = await probeRaw(
      envelopeServer('450 4.2.0 Mailbox busy, try again later'),
      { starttls: false, ...NO_AUTH },
      { testRecipient: 'admin@example.com' },
    );
    assert.equal(report.failure?.stage, 'envelope');
    assert.equal(report.failure?.kind, 'temporary');
    assert.equal(report.failure?.message, 'temporary — the server asks to try again later (450 4.2.0): 450 4.2.0 Mailbox busy, try again later');
    assert.equal(
      report.failure?.advice,
      'nothing in the settings needs to change for this: the server accepted the connection, TLS and authentication settings; try again in a few minutes (the server may be busy, greylisting this machine or limiting connections); if it keeps saying this, ask the mail administrator',
    );
  });

  test('550 5.1.1 recipient: the address is unknown — check the test recipient', async () => {
    const report = await probeRaw(
      envelopeServer('550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown'),
      { starttls: false, ...NO_AUTH },
      { testRecipient: 'nobody@example.com' },
    );
    assert.equal(report.failure?.kind, 'recipient-unknown');
    assert.equal(
      report.failure?.message,
      'the server does not know the address nobody@example.com: 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown',
    );
    assert.equal(report.failure?.advice, 'check the test recipient address for a typo; the mailbox may not exist');
  });

  test('550 5.7.1 relay denied with authentication on: the account may not send to that domain', async () => {
    const commands: string[] = [];
    const report = await probeRaw(
      scriptedServer((line) => {
        commands.push(line);
        if (line.startsWith('EHLO')) return ['250-relay.test.invalid', '250 AUTH PLAIN'];
        if (line.startsWith('AUTH PLAIN')) return '235 2.7.0 Authentication successful';
        if (line.startsWith('MAIL FROM:')) return '250 2.1.0 Ok';
        if (line.startsWith('RCPT TO:')) return '554 5.7.1 <someone@elsewhere.example>: Relay access denied';
        return '250 Ok';
      }),
      { starttls: false },
      { testRecipient: 'someone@elsewhere.example', allowPlaintextAuth: true },
    );
    assert.equal(report.failure?.stage, 'envelope');
    assert.equal(report.failure?.kind, 'relay-denied');
    assert.equal(
      report.failure?.message,
      'the server does not relay to someone@elsewhere.example for teaming@example.com: 554 5.7.1 <someone@elsewhere.example>: Relay access denied',
    );
    assert.equal(
      report.failure?.advice,
      "the account may not send to that domain: ask the mail administrator to let teaming@example.com send to outside addresses (Teaming mails every user), or test with a recipient in the server's own domain",
    );
    assert.ok(commands.includes('MAIL FROM:<teaming@example.com>'), commands.join('\n'));
    assert.ok(!commands.includes('DATA'));
  });
});

describe('probe policy: the envelope test ends every check', () => {
  test('auth off, no test recipient: MAIL FROM:<> and RCPT TO:<postmaster>, then QUIT (no RSET); nothing sent', async () => {
    const commands: string[] = [];
    const report = await probeRaw(envelopeServer('250 2.1.5 Ok', commands), { starttls: false, ...NO_AUTH }, {}, () => commands.includes('QUIT'));
    assert.equal(report.ok, true, report.failure?.message);
    assert.deepEqual(commands.slice(1), ['MAIL FROM:<>', 'RCPT TO:<postmaster>', 'QUIT']);
    assert.equal(
      report.stages.find((stage) => stage.name === 'envelope')?.detail,
      "MAIL FROM:<> 250 2.1.0 Ok; RCPT TO:<postmaster> 250 2.1.5 Ok (authentication off and no test recipient: the null sender and the server's postmaster stand in; give a test recipient to test relaying to an outside address)",
    );
  });

  test('auth off with a test recipient: it stands in as the sender, and the stage line says so', async () => {
    const commands: string[] = [];
    const report = await probeRaw(envelopeServer('250 2.1.5 Ok', commands), { starttls: false, ...NO_AUTH }, { testRecipient: 'admin@example.com' });
    assert.equal(report.ok, true, report.failure?.message);
    assert.deepEqual(commands.slice(1, 3), ['MAIL FROM:<admin@example.com>', 'RCPT TO:<admin@example.com>']);
    assert.match(
      report.stages.find((stage) => stage.name === 'envelope')?.detail ?? '',
      /\(authentication off: these settings name no sender, so the test recipient stands in as the sender\)$/,
    );
  });

  const servers: TestSmtpServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));
  async function smtp(options: Parameters<typeof startSmtpServer>[0]): Promise<TestSmtpServer> {
    const started = await startSmtpServer(options);
    servers.push(started);
    return started;
  }

  test('authentication required, auth off: turn authentication on (STARTTLS and SMTPS alike)', async () => {
    const starttls = await smtp({ requireAuth: true });
    const viaStarttls = await probeSmtp(loopbackSettings(starttls.port, NO_AUTH), { timeoutMs: 5000, ca: starttls.caPem });
    assert.equal(viaStarttls.failure?.stage, 'envelope');
    assert.equal(viaStarttls.failure?.kind, 'auth-required');
    assert.equal(viaStarttls.failure?.message, 'the server takes mail only from an authenticated account: 530 5.7.0 Error: authentication Required');
    assert.equal(
      viaStarttls.failure?.advice,
      'turn authentication on, with the user name (the full e-mail address Teaming sends from) and password of the account',
    );
    assert.deepEqual(viaStarttls.failure?.suggestion, { auth: true });
    assert.equal(viaStarttls.failure?.question, 'auth');

    const implicit = await smtp({ mode: 'implicit', requireAuth: true });
    const viaSmtps = await probeSmtp(loopbackSettings(implicit.port, { protocol: 'smtps', starttls: false, ...NO_AUTH }), {
      timeoutMs: 5000,
      ca: implicit.caPem,
    });
    assert.equal(viaSmtps.failure?.kind, 'auth-required');
    assert.equal(viaSmtps.failure?.stage, 'envelope');
  });

  test('STARTTLS required before mail, STARTTLS off: turn STARTTLS on', async () => {
    const server = await smtp({ requireTlsForMail: true, auth: false });
    const report = await probeSmtp(loopbackSettings(server.port, { starttls: false, ...NO_AUTH }), { timeoutMs: 5000 });
    assert.equal(report.failure?.stage, 'envelope');
    assert.equal(report.failure?.kind, 'starttls-required');
    assert.equal(report.failure?.message, 'the server takes mail only after STARTTLS: 530 5.7.0 Must issue a STARTTLS command first');
    assert.equal(report.failure?.advice, 'turn STARTTLS on');
    assert.deepEqual(report.failure?.suggestion, { starttls: true });
    const fixed = await probeSmtp(loopbackSettings(server.port, NO_AUTH), { timeoutMs: 5000, ca: server.caPem });
    assert.equal(fixed.ok, true, fixed.failure?.message);
  });

  test('sender not owned by the account: about the sender, not relaying; names the sender and --sender', async () => {
    const server = await smtp({ accounts: { 'jdoe@corp.example': TEST_PASSWORD }, ownAddress: 'john.doe@example.com' });
    const report = await probeSmtp(loopbackSettings(server.port, { username: 'jdoe@corp.example' }), { timeoutMs: 5000, ca: server.caPem });
    assert.equal(report.stages.find((stage) => stage.name === 'auth')?.outcome, 'ok');
    assert.equal(report.failure?.stage, 'envelope');
    assert.equal(report.failure?.kind, 'sender-not-owned');
    assert.equal(
      report.failure?.message,
      'the server does not let this account send as jdoe@corp.example (Teaming sends from the user name when no sender address is set): 553 5.1.3 <jdoe@corp.example>: Sender address rejected: not owned by user jdoe@corp.example',
    );
    assert.equal(
      report.failure?.advice,
      "this is about the sender, not relaying: set the sender address of notifications to an address this account may send from — a verified sender, or the account's own address (--sender ADDRESS)",
    );
    assert.equal(report.failure?.question, 'sender');
    const owned = await probeSmtp(loopbackSettings(server.port, { username: 'jdoe@corp.example', sender: 'john.doe@example.com' }), {
      timeoutMs: 5000,
      ca: server.caPem,
    });
    assert.equal(owned.ok, true, owned.failure?.message);
    assert.equal(owned.envelope?.from, 'john.doe@example.com');
  });
});

describe('probe policy: a reset is reported at its stage, every run the same', () => {
  const cases: { stage: string; message: string; server: () => Promise<RawServer> }[] = [
    { stage: 'greeting', message: 'the server reset the connection during the greeting', server: () => startRawServer((socket) => socket.resetAndDestroy()) },
    {
      stage: 'ehlo',
      message: 'the server reset the connection during EHLO',
      server: () =>
        startRawServer((socket) => {
          socket.write('220 reset.test.invalid ESMTP\r\n');
          socket.once('data', () => socket.resetAndDestroy());
        }),
    },
    {
      stage: 'envelope',
      message: 'the server reset the connection during the envelope test',
      server: () =>
        startRawServer((socket) => {
          socket.write('220 reset.test.invalid ESMTP\r\n');
          socket.on('data', (chunk: Buffer) => {
            if (chunk.toString('latin1').startsWith('MAIL')) socket.resetAndDestroy();
            else socket.write('250 reset.test.invalid\r\n');
          });
        }),
    },
  ];
  for (const { stage, message, server } of cases) {
    test(`reset during ${stage}: five runs, five times the same stage and words`, async () => {
      const started = await server();
      try {
        const seen = new Set<string>();
        for (let round = 0; round < 5; round++) {
          const report = await probeSmtp(loopbackSettings(started.port, { starttls: false, ...NO_AUTH }), { timeoutMs: FAILURE_TIMEOUT_MS });
          seen.add(`${report.failure?.stage} | ${report.failure?.kind} | ${report.failure?.message}`);
        }
        assert.deepEqual([...seen], [`${stage} | closed-early | ${message}`]);
      } finally {
        await started.close();
      }
    });
  }
});

describe('probe policy: a server that refuses EHLO', () => {
  const heloServer = (helo: string) =>
    scriptedServer((line) => {
      if (line.startsWith('EHLO')) return '502 5.5.2 EHLO not implemented';
      if (line.startsWith('HELO')) return helo;
      if (line.startsWith('MAIL FROM:') || line.startsWith('RCPT TO:')) return '250 2.1.0 Ok';
      return line === 'QUIT' ? '221 2.0.0 Bye' : '502 5.5.2 no';
    });

  test('EHLO refused, HELO accepted: the session goes on without extensions', async () => {
    const report = await probeRaw(heloServer('250 helo.test.invalid'), { starttls: false, ...NO_AUTH });
    assert.equal(report.ok, true, report.failure?.message);
    assert.equal(report.stages.find((stage) => stage.name === 'ehlo')?.detail, 'helo.test.invalid: no AUTH');
    // HELO carries the name EHLO announced (JavaMail's name for this machine).
    const name = report.transcript.find((line) => line.startsWith('C: EHLO '))?.slice('C: EHLO '.length);
    assert.ok(name && report.transcript.includes(`C: HELO ${name}`), report.transcript.join('\n'));
  });

  test('EHLO and HELO refused: ehlo-refused with the reply to EHLO', async () => {
    const report = await probeRaw(heloServer('502 5.5.2 HELO not implemented either'), { starttls: false, ...NO_AUTH });
    assert.equal(report.failure?.stage, 'ehlo');
    assert.equal(report.failure?.kind, 'ehlo-refused');
    const name = report.transcript.find((line) => line.startsWith('C: EHLO '))?.slice('C: EHLO '.length);
    assert.equal(report.failure?.message, `the server refuses the EHLO name ${name}: 502 5.5.2 EHLO not implemented`);
  });
});
