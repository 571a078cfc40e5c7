// The probe's bounds inside TLS (after STARTTLS the bounded socket sees TLS records, not lines: the
// SMTP channel bounds the lines it reads from the TLS session): misbehaving servers on 127.0.0.1.
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { describe, test } from 'node:test';
import { probeSmtp } from '../../src/probe/index.ts';
import { FAILURE_TIMEOUT_MS, loopbackSettings } from '../helpers/probe-settings.ts';
import { startRawServer, testCertificates, type RawServer } from '../helpers/smtp-servers.ts';

/** Greets, offers STARTTLS, upgrades, then answers the EHLO inside TLS with `secureEhlo`. */
async function starttlsServer(secureEhlo: () => string): Promise<RawServer> {
  const { signed } = await testCertificates();
  return startRawServer((socket) => {
    socket.write('220 tls-flood.test.invalid ESMTP\r\n');
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (/^EHLO .*\r\n$/m.test(buffer) && !buffer.includes('STARTTLS')) {
        buffer = '';
        socket.write('250-tls-flood.test.invalid\r\n250 STARTTLS\r\n');
      } else if (buffer.includes('STARTTLS\r\n')) {
        socket.off('data', onData);
        socket.write('220 2.0.0 go ahead\r\n');
        const secure = new tls.TLSSocket(socket, { isServer: true, key: signed.key, cert: signed.cert }).on('error', () => {});
        secure.once('data', () => secure.write(secureEhlo()));
      }
    };
    socket.on('data', onData);
  });
}

describe('probe: bounds inside STARTTLS', () => {
  test('thousands of EHLO lines after STARTTLS: reply-too-long, no AUTH sent', async () => {
    const { caPem } = await testCertificates();
    const server = await starttlsServer(() => `${Array.from({ length: 5000 }, (_, index) => `250-X-CAPABILITY-${index}\r\n`).join('')}250 AUTH PLAIN\r\n`);
    try {
      const report = await probeSmtp(loopbackSettings(server.port), { timeoutMs: FAILURE_TIMEOUT_MS, ca: caPem });
      assert.equal(report.failure?.stage, 'tls');
      assert.equal(report.failure?.kind, 'reply-too-long');
      assert.equal(report.failure?.message, 'the server sent a reply of more than 200 lines during the TLS handshake');
      assert.ok(!report.transcript.some((line) => line.startsWith('C: AUTH')), report.transcript.slice(0, 10).join('\n'));
    } finally {
      await server.close();
    }
  });

  test('a line of 10000 bytes after STARTTLS: not-smtp', async () => {
    const { caPem } = await testCertificates();
    const server = await starttlsServer(() => `250-${'X'.repeat(10000)}\r\n250 AUTH PLAIN\r\n`);
    try {
      const report = await probeSmtp(loopbackSettings(server.port), { timeoutMs: FAILURE_TIMEOUT_MS, ca: caPem });
      assert.equal(report.failure?.stage, 'tls');
      assert.equal(report.failure?.kind, 'not-smtp');
      assert.match(report.failure?.message ?? '', /sent a line of more than 4096 bytes$/);
    } finally {
      await server.close();
    }
  });
});
