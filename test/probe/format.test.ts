// Terminal lines of a probe report, and the redaction of secrets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatProbeReport, formatStageLine, normalizeFingerprint } from '../../src/probe/index.ts';
import type { ProbeReport } from '../../src/probe/index.ts';
import { REPEATED_CREDENTIALS, redactReport, secretForms } from '../../src/probe/redact.ts';

const ESC = '\u001b[';

const failed: ProbeReport = {
  ok: false,
  host: 'mail.example.com',
  port: 587,
  protocol: 'smtp',
  address: '192.0.2.10',
  stages: [
    { name: 'dns', outcome: 'ok', ms: 3, detail: 'mail.example.com → 192.0.2.10' },
    { name: 'connect', outcome: 'ok', ms: 21, detail: 'connected to 192.0.2.10:587' },
    { name: 'greeting', outcome: 'ok', ms: 40, detail: '220 mail.example.com ESMTP' },
    { name: 'ehlo', outcome: 'ok', ms: 12, detail: 'mail.example.com: STARTTLS, no AUTH' },
    { name: 'tls', outcome: 'ok', ms: 35, detail: 'TLSv1.3 TLS_AES_256_GCM_SHA384 via STARTTLS' },
    { name: 'auth', outcome: 'failed', ms: 230, detail: 'authentication refused for teaming: 535 5.7.8 Authentication failed' },
    { name: 'message', outcome: 'skipped', ms: 0, detail: 'not reached' },
  ],
  totalMs: 341,
  passwordUnencrypted: false,
  failure: {
    stage: 'auth',
    kind: 'auth-refused',
    serverReply: '535 5.7.8 Authentication failed',
    message: 'authentication refused for teaming: 535 5.7.8 Authentication failed',
    advice:
      'authentication refused (535 5.7.8): check the password; some servers need the full e-mail address instead of the user name, or the other way round',
    question: 'password',
  },
  transcript: [],
};

describe('probe: formatting', () => {
  test('stage lines without color: mark, label, time, detail', () => {
    assert.equal(formatStageLine(failed.stages[0]!, { color: false }), '✔ DNS         3 ms  mail.example.com → 192.0.2.10');
    assert.equal(
      formatStageLine(failed.stages[5]!, { color: false }),
      '✖ AUTH      230 ms  authentication refused for teaming: 535 5.7.8 Authentication failed',
    );
    assert.equal(formatStageLine(failed.stages[6]!, { color: false }), '– Message           not reached');
  });

  test('color only when asked', () => {
    assert.ok(!formatProbeReport(failed, { color: false }).join('\n').includes(ESC));
    const colored = formatStageLine(failed.stages[5]!, { color: true });
    assert.ok(colored.includes(ESC), colored);
    assert.equal(colored.replace(/\u001b\[\d+m/g, ''), formatStageLine(failed.stages[5]!, { color: false }));
  });

  test('a failed report ends with the problem and the fix', () => {
    const lines = formatProbeReport(failed, { color: false });
    assert.equal(lines.length, 9);
    assert.deepEqual(lines.slice(7), [
      'Problem (AUTH): authentication refused for teaming: 535 5.7.8 Authentication failed',
      'Fix: authentication refused (535 5.7.8): check the password; some servers need the full e-mail address instead of the user name, or the other way round',
    ]);
  });

  test('a certificate failure shows the fingerprint; a reply not in the message is shown', () => {
    const report: ProbeReport = {
      ...failed,
      failure: {
        stage: 'tls',
        kind: 'certificate-untrusted',
        message: 'not trusted',
        advice: 'use --ca-file',
        serverReply: '220 ready',
        certificateSha256: 'AB:CD',
      },
    };
    assert.deepEqual(formatProbeReport(report, { color: false }).slice(7), [
      'Problem (TLS): not trusted',
      'Server said: 220 ready',
      'Fix: use --ca-file',
      'Certificate SHA-256: AB:CD',
    ]);
  });

  test('a successful report ends with the summary', () => {
    const report: ProbeReport = { ...failed, ok: true, failure: undefined, summary: 'TLS 1.3 via STARTTLS, AUTH PLAIN accepted, 84 ms' };
    assert.equal(formatProbeReport(report, { color: false }).at(-1), 'Mail server OK: TLS 1.3 via STARTTLS, AUTH PLAIN accepted, 84 ms');
  });
});

describe('probe: secrets and fingerprints', () => {
  test('a server repeating any form of the password after AUTH: that text is not shown, only its code; nothing before AUTH is searched or changed', () => {
    const password = 'example';
    const forms = secretForms('teaming', password);
    const plainB64 = Buffer.from(password).toString('base64');
    const saslB64 = Buffer.from(`\u0000teaming\u0000${password}`).toString('base64');
    const report = {
      ok: false,
      host: 'mail.example.test',
      port: 25,
      protocol: 'smtp',
      passwordUnencrypted: false,
      totalMs: 5,
      banner: '220 mail.example.test ESMTP',
      stages: [
        { name: 'greeting', outcome: 'ok', ms: 1, detail: '220 mail.example.test ESMTP' },
        { name: 'auth', outcome: 'failed', ms: 1, detail: `535 wrong ${plainB64}` },
      ],
      failure: {
        stage: 'auth',
        kind: 'auth-refused',
        message: `authentication refused: 535 ${saslB64}`,
        advice: 'check the user name',
        serverReply: `535 5.7.8 wrong password ${password}`,
      },
      transcript: ['S: 220 mail.example.test ESMTP', 'C: EHLO example', 'C: AUTH PLAIN <secret>', `S: 535 5.7.8 wrong password ${password}`, 'C: QUIT'],
    } as unknown as ProbeReport;
    const shown = redactReport(report, forms);
    assert.equal(shown.banner, '220 mail.example.test ESMTP');
    assert.deepEqual(shown.stages[0], report.stages[0]);
    assert.equal(shown.stages[1]!.detail, `535 ${REPEATED_CREDENTIALS}`);
    assert.equal(shown.failure?.serverReply, `535 ${REPEATED_CREDENTIALS}`);
    assert.equal(shown.failure?.message, REPEATED_CREDENTIALS);
    assert.equal(shown.failure?.advice, 'check the user name');
    assert.deepEqual(shown.transcript, [
      'S: 220 mail.example.test ESMTP',
      'C: EHLO example',
      'C: AUTH PLAIN <secret>',
      `S: 535 ${REPEATED_CREDENTIALS}`,
      'C: QUIT',
    ]);
    assert.ok(!JSON.stringify(shown).includes('••••••'));
    assert.deepEqual(secretForms('teaming', ''), []);
  });

  test('fingerprints typed any way compare equal', () => {
    const canonical = 'AB:CD:EF:01';
    assert.equal(normalizeFingerprint('abcdef01'), canonical);
    assert.equal(normalizeFingerprint('SHA256:ab:cd:ef:01'), canonical);
    assert.equal(normalizeFingerprint(' ab cd ef 01 '), canonical);
  });
});
