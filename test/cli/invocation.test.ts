/** The command line's edge: commander's option values become one typed invocation; each flag checked by its schema. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInvocation } from '../../src/cli/invocation.ts';

const TIMEOUT = '--probe-timeout: probe timeout must be a whole number of seconds from 1 to 300';

test("the wizard with commander's defaults: typed values, the check on, nothing refused", () => {
  assert.deepEqual(parseInvocation('wizard', { file: 'installer.properties', probeTimeout: 10, probe: true }), {
    command: 'wizard',
    json: false,
    problems: [],
    file: 'installer.properties',
    reconfigure: false,
    interactive: true,
    force: false,
    dryRun: false,
    answers: {
      protocol: undefined,
      host: undefined,
      port: undefined,
      starttls: undefined,
      timeZone: undefined,
      auth: undefined,
      username: undefined,
      allowAllUsers: undefined,
      connectionTimeout: undefined,
    },
    answersFile: undefined,
    writeAnswers: undefined,
    password: { file: undefined, stdin: false },
    probe: { timeoutMs: 10_000, caFile: undefined, acceptCertificate: undefined, testRecipient: undefined, allowPlaintextAuth: false },
    unusedProbeFlags: [],
  });
});

test('answer flags pass as given, for answers.ts to check with the answers file', () => {
  const invocation = parseInvocation('wizard', { protocol: 'smpt', port: '587', starttls: false, nonInteractive: true });
  assert.equal(invocation.command, 'wizard');
  if (invocation.command !== 'wizard') return;
  assert.deepEqual([invocation.answers.protocol, invocation.answers.port, invocation.answers.starttls, invocation.interactive], ['smpt', '587', false, false]);
  assert.deepEqual(invocation.problems, []);
});

test('--probe-timeout: whole seconds from 1 to 300, in milliseconds; every refused flag at once, the rest still parsed', () => {
  const check = parseInvocation('check', { file: 'x.properties', probeTimeout: ' 60 ', json: true });
  assert.deepEqual(check.command === 'check' && [check.probe.timeoutMs, check.file, check.json, check.problems], [60_000, 'x.properties', true, []]);
  for (const refused of ['soon', '0', '301', '1.5', '']) assert.deepEqual(parseInvocation('check', { probeTimeout: refused }).problems, [TIMEOUT], refused);
  const both = parseInvocation('wizard', { probeTimeout: 'soon', testRecipient: 'admin', caFile: 'ca.pem' });
  assert.deepEqual(both.problems, [TIMEOUT, '--test-recipient: test recipient must be one e-mail address, such as admin@example.com']);
  assert.equal(both.command === 'wizard' && both.probe?.caFile, 'ca.pem');
});

test("--no-probe: no check, and the check's options given with it are named", () => {
  const invocation = parseInvocation('wizard', { probe: false, caFile: 'ca.pem', testRecipient: 'a@example.com', allowPlaintextAuth: true });
  assert.ok(invocation.command === 'wizard');
  assert.equal(invocation.probe, undefined);
  assert.deepEqual(invocation.unusedProbeFlags, ['--ca-file', '--test-recipient', '--allow-plaintext-auth']);
});

test('show and demo', () => {
  assert.deepEqual(parseInvocation('show', { file: 'installer.xml', json: true }), { command: 'show', json: true, problems: [], file: 'installer.xml' });
  assert.deepEqual(parseInvocation('demo', {}), { command: 'demo', json: false, problems: [] });
});
