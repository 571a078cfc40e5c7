/**
 * The greeting stage against node:net servers: a slow greeting is waited for as JavaMail waits
 * (up to the check's deadline), an SMTPS port is told apart at once by a second connection in
 * parallel, and a line that is not SMTP ends the stage at once with its bytes shown terminal-safe.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { formatProbeReport, formatStageLine, probeSmtp } from '../../src/probe/index.ts';
import { loopbackSettings } from '../helpers/probe-settings.ts';
import { garbageServer, slowGreetingServer, startSmtpServer, type RawServer } from '../helpers/smtp-servers.ts';

const servers: { close(): Promise<void> }[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function started<T extends RawServer>(starting: Promise<T>): Promise<T> {
  const server = await starting;
  servers.push(server);
  return server;
}

const plain = (port: number) => loopbackSettings(port, { starttls: false, auth: false });

describe('the greeting, as JavaMail waits for it', () => {
  test('a greeting after 5 s passes with the default deadline (10 s); its line reads "5 s"', async () => {
    const slow = await started(slowGreetingServer(5000));
    const report = await probeSmtp(plain(slow.port), {});
    assert.equal(report.failure, undefined);
    assert.equal(report.ok, true);
    const greeting = report.stages.find((stage) => stage.name === 'greeting')!;
    assert.ok(greeting.ms >= 4990, `${greeting.ms}`);
    assert.match(formatStageLine(greeting, { color: false }), /^✔ Greeting +5(\.\d)? s {2}220 slow\.test\.invalid ESMTP$/);
  });

  test('an SMTPS port spoken to as SMTP: expects-tls after a second, not at the deadline', async () => {
    const implicit = await started(startSmtpServer({ mode: 'implicit' }));
    const begun = performance.now();
    const report = await probeSmtp(plain(implicit.port), {});
    const elapsed = performance.now() - begun;
    assert.ok(elapsed < 2500, `took ${Math.round(elapsed)} ms`);
    assert.equal(report.failure?.kind, 'expects-tls');
    assert.match(report.failure?.message ?? '', new RegExp(`^no greeting in 1(\\.\\d)? s, but port ${implicit.port} answers a TLS handshake$`));
  });

  test('a line that is not SMTP, the connection left open: not-smtp at once, the bytes shown terminal-safe', async () => {
    const garbage = await started(garbageServer('SSH-2.0-OpenSSH_9.6 \x1b[31mred\r\n'));
    const begun = performance.now();
    const report = await probeSmtp(plain(garbage.port), {});
    const elapsed = performance.now() - begun;
    assert.ok(elapsed < 1000, `took ${Math.round(elapsed)} ms`);
    assert.equal(report.failure?.stage, 'greeting');
    assert.equal(report.failure?.kind, 'not-smtp');
    assert.equal(report.failure?.message, `what answers on 127.0.0.1:${garbage.port} is not an SMTP server: it sent "SSH-2.0-OpenSSH_9.6 ·[31mred ⏎"`);
    assert.ok(!formatProbeReport(report, { color: false }).join('\n').includes('\x1b'));
  });
});
