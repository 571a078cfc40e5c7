// detectSettings: the three usual ports of one host at once, on ephemeral loopback ports.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { detectSettings } from '../../src/probe/index.ts';
import type { DetectResult } from '../../src/probe/index.ts';
import { FAILURE_TIMEOUT_MS } from '../helpers/probe-settings.ts';
import { TEST_PASSWORD, TEST_USER, closedPort, silentServer, startSmtpServer, type RawServer, type TestSmtpServer } from '../helpers/smtp-servers.ts';

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
    const result = await detectSettings('127.0.0.1', {
      timeoutMs: 5000,
      ca: implicit.caPem,
      ports: { smtps: implicit.port, submission: submission.port, smtp: plain.port },
    });
    assert.deepEqual(table(result), [
      `smtps:${implicit.port}:plain:works`,
      `smtp:${submission.port}:starttls:works`,
      `smtp:${plain.port}:starttls:starttls-missing`,
      `smtp:${plain.port}:plain:works`,
    ]);
    assert.deepEqual(result.recommended, { protocol: 'smtps', port: implicit.port, starttls: false });
  });

  test('with credentials each combination must accept the login', async () => {
    const result = await detectSettings('127.0.0.1', {
      timeoutMs: 5000,
      ca: implicit.caPem,
      ports: { smtps: implicit.port, submission: submission.port, smtp: plain.port },
      username: TEST_USER,
      password: TEST_PASSWORD,
    });
    assert.deepEqual(table(result), [
      `smtps:${implicit.port}:plain:works`,
      `smtp:${submission.port}:starttls:works`,
      `smtp:${plain.port}:starttls:starttls-missing`,
      `smtp:${plain.port}:plain:auth-missing`,
    ]);
    assert.ok(!JSON.stringify(result).includes(TEST_PASSWORD));
  });

  test('465 closed and 25 silent: submission recommended, all within one timeout', async () => {
    const closed = await closedPort();
    const silent: RawServer = await silentServer();
    try {
      const started = performance.now();
      const result = await detectSettings('127.0.0.1', {
        timeoutMs: FAILURE_TIMEOUT_MS,
        ca: submission.caPem,
        ports: { smtps: closed, submission: submission.port, smtp: silent.port },
      });
      assert.ok(performance.now() - started < FAILURE_TIMEOUT_MS + 1000);
      assert.deepEqual(table(result), [`smtps:${closed}:plain:refused`, `smtp:${submission.port}:starttls:works`, `smtp:${silent.port}:starttls:timeout`]);
      assert.deepEqual(result.recommended, { protocol: 'smtp', port: submission.port, starttls: true });
    } finally {
      await silent.close();
    }
  });

  test('encryption first: STARTTLS on 25 is recommended over plain on 587', async () => {
    const closed = await closedPort();
    const result = await detectSettings('127.0.0.1', {
      timeoutMs: 5000,
      ca: submission.caPem,
      ports: { smtps: closed, submission: plain.port, smtp: submission.port },
    });
    assert.deepEqual(table(result), [
      `smtps:${closed}:plain:refused`,
      `smtp:${plain.port}:starttls:starttls-missing`,
      `smtp:${plain.port}:plain:works`,
      `smtp:${submission.port}:starttls:works`,
    ]);
    assert.deepEqual(result.recommended, { protocol: 'smtp', port: submission.port, starttls: true });
  });

  test('nothing works: no recommendation', async () => {
    const [a, b, c] = [await closedPort(), await closedPort(), await closedPort()];
    const result = await detectSettings('127.0.0.1', { timeoutMs: FAILURE_TIMEOUT_MS, ports: { smtps: a, submission: b, smtp: c } });
    assert.equal(result.recommended, undefined);
    assert.deepEqual(
      result.candidates.map((entry) => entry.report.failure?.kind),
      ['refused', 'refused', 'refused'],
    );
  });
});
