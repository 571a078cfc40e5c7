// detectSettings: the three usual ports and the relay services' three of one host at once, on ephemeral loopback ports.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_DETECT_PORTS, detectSettings } from '../../src/probe/index.ts';
import type { DetectResult } from '../../src/probe/index.ts';
import { FAILURE_TIMEOUT_MS } from '../helpers/probe-settings.ts';
import { TEST_PASSWORD, TEST_USER, closedPort, silentServer, startSmtpServer, type RawServer, type TestSmtpServer } from '../helpers/smtp-servers.ts';

/** The relay ports (2465, 2587, 2525) of a case about the usual ones: closed, each one refused row at the end of the table. */
async function closedRelayPorts(): Promise<{ relaySmtps: number; relaySubmission: number; relay: number }> {
  return { relaySmtps: await closedPort(), relaySubmission: await closedPort(), relay: await closedPort() };
}

function refusedRelayRows(ports: { relaySmtps: number; relaySubmission: number; relay: number }): string[] {
  return [`smtps:${ports.relaySmtps}:plain:refused`, `smtp:${ports.relaySubmission}:starttls:refused`, `smtp:${ports.relay}:starttls:refused`];
}

function table(result: DetectResult): string[] {
  return result.candidates.map(
    (entry) => `${entry.protocol}:${entry.port}:${entry.starttls ? 'starttls' : 'plain'}:${entry.works ? 'works' : entry.report.failure?.kind}`,
  );
}

describe('probe: detectSettings', () => {
  let implicit: TestSmtpServer;
  let submission: TestSmtpServer;
  let plain: TestSmtpServer;
  before(async () => {
    implicit = await startSmtpServer({ mode: 'implicit' });
    submission = await startSmtpServer({ mode: 'starttls' });
    plain = await startSmtpServer({ mode: 'plain', auth: false });
  });
  after(() => Promise.all([implicit, submission, plain].map((server) => server.close())));

  test('all three ports answer: SMTPS is recommended, the plain port works without TLS', async () => {
    const relay = await closedRelayPorts();
    const result = await detectSettings('127.0.0.1', {
      timeoutMs: 5000,
      ca: implicit.caPem,
      ports: { smtps: implicit.port, submission: submission.port, smtp: plain.port, ...relay },
    });
    assert.deepEqual(table(result), [
      `smtps:${implicit.port}:plain:works`,
      `smtp:${submission.port}:starttls:works`,
      `smtp:${plain.port}:starttls:starttls-missing`,
      `smtp:${plain.port}:plain:works`,
      ...refusedRelayRows(relay),
    ]);
    assert.deepEqual(result.recommended, { protocol: 'smtps', port: implicit.port, starttls: false });
  });

  test('with credentials each combination must accept the login', async () => {
    const relay = await closedRelayPorts();
    const result = await detectSettings('127.0.0.1', {
      timeoutMs: 5000,
      ca: implicit.caPem,
      ports: { smtps: implicit.port, submission: submission.port, smtp: plain.port, ...relay },
      username: TEST_USER,
      password: TEST_PASSWORD,
    });
    assert.deepEqual(table(result), [
      `smtps:${implicit.port}:plain:works`,
      `smtp:${submission.port}:starttls:works`,
      `smtp:${plain.port}:starttls:starttls-missing`,
      `smtp:${plain.port}:plain:auth-missing`,
      ...refusedRelayRows(relay),
    ]);
    assert.ok(!JSON.stringify(result).includes(TEST_PASSWORD));
  });

  test('465 closed and 25 silent: submission recommended, all within one timeout', async () => {
    const closed = await closedPort();
    const silent: RawServer = await silentServer();
    try {
      const relay = await closedRelayPorts();
      const started = performance.now();
      const result = await detectSettings('127.0.0.1', {
        timeoutMs: FAILURE_TIMEOUT_MS,
        ca: submission.caPem,
        ports: { smtps: closed, submission: submission.port, smtp: silent.port, ...relay },
      });
      assert.ok(performance.now() - started < FAILURE_TIMEOUT_MS + 1000);
      assert.deepEqual(table(result), [
        `smtps:${closed}:plain:refused`,
        `smtp:${submission.port}:starttls:works`,
        `smtp:${silent.port}:starttls:timeout`,
        ...refusedRelayRows(relay),
      ]);
      assert.deepEqual(result.recommended, { protocol: 'smtp', port: submission.port, starttls: true });
    } finally {
      await silent.close();
    }
  });

  test('encryption first: STARTTLS on 25 is recommended over plain on 587', async () => {
    const closed = await closedPort();
    const relay = await closedRelayPorts();
    const result = await detectSettings('127.0.0.1', {
      timeoutMs: 5000,
      ca: submission.caPem,
      ports: { smtps: closed, submission: plain.port, smtp: submission.port, ...relay },
    });
    assert.deepEqual(table(result), [
      `smtps:${closed}:plain:refused`,
      `smtp:${plain.port}:starttls:starttls-missing`,
      `smtp:${plain.port}:plain:works`,
      `smtp:${submission.port}:starttls:works`,
      ...refusedRelayRows(relay),
    ]);
    assert.deepEqual(result.recommended, { protocol: 'smtp', port: submission.port, starttls: true });
  });

  test('nothing works: no recommendation', async () => {
    const [a, b, c] = [await closedPort(), await closedPort(), await closedPort()];
    const result = await detectSettings('127.0.0.1', {
      timeoutMs: FAILURE_TIMEOUT_MS,
      ports: { smtps: a, submission: b, smtp: c, ...(await closedRelayPorts()) },
    });
    assert.equal(result.recommended, undefined);
    assert.deepEqual(
      result.candidates.map((entry) => entry.report.failure?.kind),
      ['refused', 'refused', 'refused', 'refused', 'refused', 'refused'],
    );
  });

  test("the usual ports closed, a relay service's 2465, 2587 and 2525 answering: all tried at once, the relay SMTPS port recommended", async () => {
    const [a, b, c] = [await closedPort(), await closedPort(), await closedPort()];
    const result = await detectSettings('127.0.0.1', {
      timeoutMs: 5000,
      ca: implicit.caPem,
      ports: { smtps: a, submission: b, smtp: c, relaySmtps: implicit.port, relaySubmission: submission.port, relay: plain.port },
    });
    assert.deepEqual(table(result), [
      `smtps:${a}:plain:refused`,
      `smtp:${b}:starttls:refused`,
      `smtp:${c}:starttls:refused`,
      `smtps:${implicit.port}:plain:works`,
      `smtp:${submission.port}:starttls:works`,
      `smtp:${plain.port}:starttls:starttls-missing`,
      `smtp:${plain.port}:plain:works`,
    ]);
    assert.deepEqual(result.recommended, { protocol: 'smtps', port: implicit.port, starttls: false });
  });

  test("the default ports include the relay services' 2465, 2587 and 2525", () => {
    assert.deepEqual(DEFAULT_DETECT_PORTS, { smtps: 465, submission: 587, smtp: 25, relaySmtps: 2465, relaySubmission: 2587, relay: 2525 });
  });
});
