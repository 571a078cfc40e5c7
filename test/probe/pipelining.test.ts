// The envelope and the test message at the speed of the wire, seen from the server's side: a
// node:net server on 127.0.0.1 records what arrives in each flight (each read of the socket) and
// whether a command came before or after the reply it could have waited for.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { probeSmtp } from '../../src/probe/index.ts';
import type { ProbeOptions, ProbeReport } from '../../src/probe/index.ts';
import { loopbackSettings } from '../helpers/probe-settings.ts';

const RECIPIENT = 'admin@example.com';
/** The server holds its reply to MAIL FROM this long: a client that waits for it sends RCPT TO only after. */
const MAIL_REPLY_DELAY_MS = 150;

interface Recorded {
  /** The commands of each read, in order; message content as `<N bytes>`. */
  flights: string[][];
  /** Whether RCPT TO arrived before the server had answered MAIL FROM. */
  rcptBeforeMailReply?: boolean;
}

interface ServerOptions {
  keywords: string[];
  rcpt?: string;
}

/** Plain SMTP without AUTH, offering `keywords`; speaks DATA and BDAT, and records what comes. */
async function recordingServer({ keywords, rcpt = '250 2.1.5 Ok' }: ServerOptions): Promise<{ port: number; recorded: Recorded; close(): Promise<void> }> {
  const recorded: Recorded = { flights: [] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.write('220 flights.test.invalid ESMTP\r\n');
    let buffer = Buffer.alloc(0);
    let mailAnswered = false;
    // Replies go out in the order of their commands, each after the one before it.
    let replies = Promise.resolve();
    const reply = (text: string, delayMs = 0, then = () => {}) => {
      replies = replies.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              socket.write(`${text}\r\n`);
              then();
              resolve();
            }, delayMs),
          ),
      );
    };
    /** In DATA: until the dot; in BDAT: this many bytes. */
    let data = false;
    let chunk = 0;
    socket.on('data', (bytes: Buffer) => {
      const flight: string[] = [];
      recorded.flights.push(flight);
      buffer = Buffer.concat([buffer, bytes]);
      for (;;) {
        if (chunk > 0) {
          if (buffer.length < chunk) return;
          flight.push(`<${chunk} bytes>`);
          buffer = buffer.subarray(chunk);
          chunk = 0;
          reply('250 2.0.0 Ok: queued as BDAT1');
          continue;
        }
        if (data) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          flight.push(`<${end + 2} bytes>`, '.');
          buffer = buffer.subarray(end + 5);
          data = false;
          reply('250 2.0.0 Ok: queued as DATA1');
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end === -1) return;
        const line = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 2);
        flight.push(line);
        if (line.startsWith('EHLO')) reply(['250-flights.test.invalid', ...keywords.map((keyword) => `250-${keyword}`), '250 SIZE 1000000'].join('\r\n'));
        else if (line.startsWith('MAIL FROM:')) reply('250 2.1.0 Ok', MAIL_REPLY_DELAY_MS, () => (mailAnswered = true));
        else if (line.startsWith('RCPT TO:')) {
          recorded.rcptBeforeMailReply = !mailAnswered;
          reply(rcpt);
        } else if (line === 'DATA') {
          data = true;
          reply('354 go ahead');
        } else if (line.startsWith('BDAT ')) chunk = Number(line.split(' ')[1]);
        else if (line === 'QUIT') reply('221 2.0.0 Bye', 0, () => socket.end());
        else reply('502 5.5.2 no');
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    recorded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Probes the server without TLS or AUTH, and waits (up to 2 s) until QUIT has arrived. */
async function probe(options: ServerOptions, probeOptions: ProbeOptions = {}): Promise<{ report: ProbeReport; recorded: Recorded }> {
  const server = await recordingServer(options);
  try {
    const report = await probeSmtp(loopbackSettings(server.port, { starttls: false, auth: false, username: '', password: '' }), {
      timeoutMs: 5000,
      testRecipient: RECIPIENT,
      ...probeOptions,
    });
    const quit = () => server.recorded.flights.flat().includes('QUIT');
    for (let waited = 0; report.ok && !quit() && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return { report, recorded: server.recorded };
  } finally {
    await server.close();
  }
}

/** The flights after EHLO, each as its commands joined by ` + `. */
const afterEhlo = (recorded: Recorded) =>
  recorded.flights.filter((flight) => flight.length > 0 && !flight[0]!.startsWith('EHLO')).map((flight) => flight.join(' + '));

const ENVELOPE_DETAIL = `MAIL FROM:<${RECIPIENT}> 250 2.1.0 Ok; RCPT TO:<${RECIPIENT}> 250 2.1.5 Ok (authentication off: these settings name no sender, so the test recipient stands in as the sender)`;

describe('probe: MAIL FROM and RCPT TO in one flight when the server pipelines', () => {
  test('PIPELINING offered: MAIL FROM and RCPT TO arrive together, before the reply to MAIL FROM; then QUIT, no RSET', async () => {
    const { report, recorded } = await probe({ keywords: ['PIPELINING'] });
    assert.equal(report.ok, true, report.failure?.message);
    assert.deepEqual(afterEhlo(recorded), [`MAIL FROM:<${RECIPIENT}> + RCPT TO:<${RECIPIENT}>`, 'QUIT']);
    assert.equal(recorded.rcptBeforeMailReply, true);
    assert.equal(report.stages.find((stage) => stage.name === 'envelope')?.detail, ENVELOPE_DETAIL);
  });

  test('no PIPELINING: one at a time, RCPT TO only once MAIL FROM is answered', async () => {
    const { report, recorded } = await probe({ keywords: [] });
    assert.equal(report.ok, true, report.failure?.message);
    assert.deepEqual(afterEhlo(recorded), [`MAIL FROM:<${RECIPIENT}>`, `RCPT TO:<${RECIPIENT}>`, 'QUIT']);
    assert.equal(recorded.rcptBeforeMailReply, false);
    assert.equal(report.stages.find((stage) => stage.name === 'envelope')?.detail, ENVELOPE_DETAIL);
  });

  test('PIPELINING, the recipient refused: read after the sender was accepted, diagnosed on its own', async () => {
    const { report, recorded } = await probe({ keywords: ['PIPELINING'], rcpt: '550 5.1.1 <admin@example.com>: Recipient address rejected: User unknown' });
    assert.equal(afterEhlo(recorded)[0], `MAIL FROM:<${RECIPIENT}> + RCPT TO:<${RECIPIENT}>`);
    assert.equal(report.failure?.stage, 'envelope');
    assert.equal(report.failure?.kind, 'recipient-unknown');
    assert.equal(
      report.failure?.message,
      'the server does not know the address admin@example.com: 550 5.1.1 <admin@example.com>: Recipient address rejected: User unknown',
    );
  });
});

describe('probe: the test message with no extra waits', () => {
  const testMessage = { to: RECIPIENT, timeZone: 'UTC' };

  test('PIPELINING and CHUNKING: MAIL FROM, RCPT TO and BDAT with the whole message in one flight', async () => {
    const { report, recorded } = await probe({ keywords: ['PIPELINING', 'CHUNKING'] }, { testMessage });
    assert.equal(report.ok, true, report.failure?.message);
    const [flight, quit] = afterEhlo(recorded);
    assert.match(flight ?? '', /^MAIL FROM:<admin@example\.com> \+ RCPT TO:<admin@example\.com> \+ BDAT (\d+) LAST \+ <\1 bytes>$/);
    assert.equal(quit, 'QUIT');
    assert.equal(report.accepted?.queueId, 'BDAT1');
  });

  test('PIPELINING without CHUNKING: MAIL FROM, RCPT TO and DATA in one flight, the message on 354', async () => {
    const { report, recorded } = await probe({ keywords: ['PIPELINING'] }, { testMessage });
    assert.equal(report.ok, true, report.failure?.message);
    const flights = afterEhlo(recorded);
    assert.equal(flights[0], `MAIL FROM:<${RECIPIENT}> + RCPT TO:<${RECIPIENT}> + DATA`);
    assert.match(flights[1] ?? '', /^<\d+ bytes> \+ \.$/);
    assert.equal(flights[2], 'QUIT');
    assert.equal(report.accepted?.queueId, 'DATA1');
  });

  test('CHUNKING without PIPELINING: one command at a time, BDAT with the message in its own flight', async () => {
    const { report, recorded } = await probe({ keywords: ['CHUNKING'] }, { testMessage });
    assert.equal(report.ok, true, report.failure?.message);
    const flights = afterEhlo(recorded);
    assert.deepEqual(flights.slice(0, 2), [`MAIL FROM:<${RECIPIENT}>`, `RCPT TO:<${RECIPIENT}>`]);
    assert.match(flights[2] ?? '', /^BDAT (\d+) LAST \+ <\1 bytes>$/);
    assert.equal(flights[3], 'QUIT');
    assert.equal(report.accepted?.queueId, 'BDAT1');
  });
});
