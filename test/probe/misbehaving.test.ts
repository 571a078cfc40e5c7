// The probe against servers that misbehave (node:net), closed ports and failing name lookups:
// every case ends within its timeout with a classified diagnosis and its advice.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { probeSmtp } from '../../src/probe/index.ts';
import { REPEATED_CREDENTIALS } from '../../src/probe/redact.ts';
import type { LookupFunction, ProbeOptions, ProbeReport } from '../../src/probe/index.ts';
import type { MailSettings } from '../../src/settings/settings.ts';
import { FAILURE_TIMEOUT_MS, loopbackSettings } from '../helpers/probe-settings.ts';
import {
  authBeforeTlsOnlyServer,
  bannerServer,
  closeOnAcceptServer,
  closedPort,
  ehloFloodServer,
  endlessLineServer,
  garbageServer,
  resetAfterStarttlsServer,
  resetMidTlsServer,
  scriptedServer,
  silentServer,
  testCertificates,
  tricklingServer,
  type RawServer,
} from '../helpers/smtp-servers.ts';

/** The budget plus one second: no diagnosis may take longer. */
const LIMIT_MS = FAILURE_TIMEOUT_MS + 1000;

async function probeRaw(
  start: () => Promise<RawServer>,
  overrides: Partial<MailSettings> = {},
  options: ProbeOptions = {},
): Promise<{ report: ProbeReport; elapsed: number }> {
  const server = await start();
  try {
    const started = performance.now();
    const report = await probeSmtp(loopbackSettings(server.port, overrides), { timeoutMs: FAILURE_TIMEOUT_MS, ...options });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < LIMIT_MS, `took ${Math.round(elapsed)} ms`);
    assert.equal(report.ok, false);
    return { report, elapsed };
  } finally {
    await server.close();
  }
}

describe('probe: misbehaving servers', () => {
  test('silent after accept: timeout at the greeting, within the timeout plus one second', async () => {
    const { report, elapsed } = await probeRaw(silentServer);
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'timeout');
    assert.match(report.failure?.message ?? '', /^connected, but no greeting in 1(\.\d)? s$/);
    assert.equal(
      report.failure?.advice,
      `the server accepted the connection but never said anything; it may be overloaded, or a firewall or proxy holds port ${report.port}; try again, or try port 587 or 465`,
    );
    assert.ok(elapsed >= FAILURE_TIMEOUT_MS - 50, `gave up early, after ${Math.round(elapsed)} ms`);
    assert.equal(report.stages.find((stage) => stage.name === 'greeting')?.outcome, 'failed');
  });

  test('silent SMTPS port: timeout during the TLS handshake', async () => {
    const { report } = await probeRaw(silentServer, { protocol: 'smtps', starttls: false });
    assert.equal(report.failure?.stage, 'tls');
    assert.equal(report.failure?.kind, 'timeout');
    assert.match(report.failure?.advice ?? '', /does not answer TLS; if it speaks plain SMTP, choose SMTP with STARTTLS$/);
  });

  test('554 banner: banner-refused with the server text', async () => {
    const { report } = await probeRaw(() => bannerServer('554 5.7.1 no SMTP service for you'));
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'banner-refused');
    assert.equal(report.failure?.serverReply, '554 5.7.1 no SMTP service for you');
    assert.equal(report.failure?.message, 'the server refuses this connection: 554 5.7.1 no SMTP service for you');
    assert.equal(
      report.failure?.advice,
      "the server does not accept mail sessions from this machine; ask the mail administrator to allow this machine's address, or use the port meant for mail clients (587)",
    );
  });

  test('terminal escapes in a banner never reach the report', async () => {
    const { report } = await probeRaw(() => bannerServer('554 \u001b[2J\u001b[31mgotcha\u202e'));
    assert.equal(report.failure?.kind, 'banner-refused');
    assert.equal(report.failure?.serverReply, '554 \\x1b[2J\\x1b[31mgotcha\\u202e');
    const json = JSON.stringify(report);
    assert.ok(!json.includes('\\u001b') && !json.includes('\u202e'), json);
  });

  test('non-SMTP garbage: not-smtp, shows what it said', async () => {
    const { report } = await probeRaw(() => garbageServer());
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'not-smtp');
    assert.match(report.failure?.serverReply ?? '', /^HTTP\/1\.1 400 Bad Request/);
    assert.equal(report.failure?.advice, 'check the host and port: mail servers listen on 25, 587 (submission) or 465 (SMTPS)');
    assert.equal(report.failure?.question, 'port');
  });

  test('close on accept: closed-early at the greeting', async () => {
    const { report } = await probeRaw(closeOnAcceptServer);
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'closed-early');
    assert.equal(report.failure?.message, 'the server closed the connection during the greeting');
    assert.equal(
      report.failure?.advice,
      'the server hangs up on this machine: it may limit connections or block this address; check the server log, or try port 587 or 465',
    );
  });

  test('closed port: refused at connect', async () => {
    const port = await closedPort();
    const report = await probeSmtp(loopbackSettings(port), { timeoutMs: FAILURE_TIMEOUT_MS });
    assert.equal(report.failure?.stage, 'connect');
    assert.equal(report.failure?.kind, 'refused');
    assert.equal(report.failure?.message, `connection refused by 127.0.0.1:${port}: nothing listens on port ${port}`);
    assert.equal(report.failure?.advice, 'check the port (25, 587 or 465) and that the mail server runs on this host');
    assert.equal(report.failure?.question, 'port');
    assert.equal(report.stages.map((stage) => stage.outcome).join(' '), 'ok failed skipped skipped skipped skipped skipped skipped');
  });

  test('name does not resolve: dns-not-found through the injected lookup, nothing connected', async () => {
    const asked: string[] = [];
    const lookup: LookupFunction = async (hostname) => {
      asked.push(hostname);
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    const report = await probeSmtp(loopbackSettings(25, { host: 'mail.nowhere.invalid' }), { timeoutMs: FAILURE_TIMEOUT_MS, lookup });
    assert.deepEqual(asked, ['mail.nowhere.invalid']);
    assert.equal(report.failure?.stage, 'dns');
    assert.equal(report.failure?.kind, 'dns-not-found');
    assert.equal(report.failure?.message, 'the name mail.nowhere.invalid does not resolve (ENOTFOUND)');
    assert.equal(report.failure?.advice, 'check the spelling of the mail host name, or enter its IP address');
    assert.equal(report.failure?.question, 'host');
    assert.equal(report.address, undefined);
  });

  test('a lookup that never answers is bounded too', async () => {
    const lookup: LookupFunction = () => new Promise(() => {});
    const started = performance.now();
    const report = await probeSmtp(loopbackSettings(25, { host: 'mail.slow.invalid' }), { timeoutMs: FAILURE_TIMEOUT_MS, lookup });
    assert.ok(performance.now() - started < LIMIT_MS);
    assert.equal(report.failure?.stage, 'dns');
    assert.equal(report.failure?.kind, 'dns-failed');
  });

  test('the injected lookup is used to connect (loopback)', async () => {
    const server = await bannerServer('554 go away');
    try {
      const lookup: LookupFunction = async () => [{ address: '127.0.0.1', family: 4 }];
      const report = await probeSmtp(loopbackSettings(server.port, { host: 'mail.example.test' }), { timeoutMs: FAILURE_TIMEOUT_MS, lookup });
      assert.equal(report.stages[0]?.detail, 'mail.example.test → 127.0.0.1');
      assert.equal(report.address, '127.0.0.1');
      assert.equal(report.failure?.kind, 'banner-refused');
    } finally {
      await server.close();
    }
  });

  test('several addresses: one that refuses is skipped for the next (loopback only)', async () => {
    const server = await bannerServer('554 5.7.1 still no');
    try {
      const lookup: LookupFunction = async () => [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ];
      const report = await probeSmtp(loopbackSettings(server.port, { host: 'mail.example.test' }), { timeoutMs: FAILURE_TIMEOUT_MS, lookup });
      assert.equal(report.address, '127.0.0.1');
      assert.equal(report.stages[1]?.detail, `connected to 127.0.0.1:${server.port}`);
      assert.equal(report.failure?.kind, 'banner-refused');
    } finally {
      await server.close();
    }
  });

  test('AUTH offered only after STARTTLS (no AUTH in the plain EHLO): turn STARTTLS on', async () => {
    const { report } = await probeRaw(
      () => scriptedServer((line) => (line.startsWith('EHLO') ? ['250-tls-only.test.invalid', '250-STARTTLS', '250 SIZE 1000'] : '502 no')),
      { starttls: false },
    );
    assert.equal(report.failure?.stage, 'auth');
    assert.equal(report.failure?.kind, 'auth-needs-tls');
    assert.equal(report.failure?.message, 'the server offers authentication only after STARTTLS');
    assert.equal(report.failure?.advice, 'turn STARTTLS on');
    assert.deepEqual(report.failure?.suggestion, { starttls: true });
  });

  test('AUTH offered only before STARTTLS: auth-before-tls-only, and no password sent in the clear', async () => {
    const { caPem } = await testCertificates();
    const { report } = await probeRaw(authBeforeTlsOnlyServer, {}, { ca: caPem });
    assert.equal(report.stages.find((stage) => stage.name === 'tls')?.outcome, 'ok');
    assert.equal(report.failure?.stage, 'auth');
    assert.equal(report.failure?.kind, 'auth-before-tls-only');
    assert.equal(report.failure?.message, 'the server offers authentication only before STARTTLS, where the password would travel unencrypted');
    assert.equal(report.failure?.advice, 'ask the mail administrator to allow AUTH over TLS, or choose SMTPS on port 465 if the server offers it');
    assert.equal(report.failure?.suggestion, undefined);
    assert.ok(!report.transcript.some((line) => line.startsWith('C: AUTH')));
  });

  test('a server that echoes the password back: its reply not shown (only the code) in serverReply, message, transcript', async () => {
    const password = 'Echo-Me-9f3!';
    const { report } = await probeRaw(
      () =>
        scriptedServer((line) => {
          if (line.startsWith('EHLO')) return ['250-echo.test.invalid', '250 AUTH PLAIN'];
          if (line.startsWith('AUTH PLAIN ')) {
            const [, , pass] = Buffer.from(line.slice(11), 'base64').toString('utf8').split('\u0000');
            return `535 5.7.8 wrong password ${pass} (${line.slice(11)})`;
          }
          return '502 no';
        }),
      { protocol: 'smtp', starttls: false, username: 'teaming', password },
      { allowPlaintextAuth: true },
    );
    assert.equal(report.failure?.kind, 'auth-refused');
    assert.equal(report.failure?.serverReply, `535 ${REPEATED_CREDENTIALS}`);
    const text = JSON.stringify(report);
    assert.ok(!text.includes(password));
    assert.ok(!text.includes(Buffer.from(password).toString('base64')));
    assert.ok(!text.includes(Buffer.from(`\u0000teaming\u0000${password}`).toString('base64')));
  });
});

describe('probe: hardening', () => {
  test('an endless line without CRLF: not-smtp, quickly', async () => {
    const { report } = await probeRaw(endlessLineServer);
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'not-smtp');
    assert.match(report.failure?.message ?? '', /sent a line of more than 4096 bytes without a line end$/);
  });

  test('a server that trickles one byte a second: too-slow within the timeout', async () => {
    const { report } = await probeRaw(tricklingServer);
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'too-slow');
    assert.match(report.failure?.message ?? '', /^the server answered too slowly during the greeting: \d+ bytes in /);
  });

  test('thousands of EHLO lines: reply-too-long at EHLO', async () => {
    const { report } = await probeRaw(() => ehloFloodServer(5000));
    assert.equal(report.failure?.stage, 'ehlo');
    assert.equal(report.failure?.kind, 'reply-too-long');
    assert.equal(report.failure?.message, 'the server sent a reply of more than 200 lines during EHLO');
    assert.ok(report.transcript.length < 50, `transcript of ${report.transcript.length} lines`);
  });

  test('reset in the middle of an implicit TLS handshake: closed-early at TLS', async () => {
    const { report } = await probeRaw(resetMidTlsServer, { protocol: 'smtps', starttls: false });
    assert.equal(report.failure?.stage, 'tls');
    assert.equal(report.failure?.kind, 'closed-early');
    assert.match(report.failure?.message ?? '', /^the server closed the connection during the TLS handshake/);
  });

  test('reset in the middle of the STARTTLS handshake: closed-early at TLS', async () => {
    const { report } = await probeRaw(resetAfterStarttlsServer);
    assert.equal(report.failure?.stage, 'tls');
    assert.equal(report.failure?.kind, 'closed-early');
    assert.equal(report.failure?.advice, 'the server dropped the STARTTLS upgrade; check its TLS configuration and log');
  });
});
