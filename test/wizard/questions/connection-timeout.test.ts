/** The connection timeout: asked only when chosen ("Change one answer…"); its flag and answers-file key in seconds, stored in milliseconds; its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answersFileContent, presetAnswers } from '../../../src/cli/answers.ts';
import { connectionTimeoutQuestion } from '../../../src/wizard/questions/connection-timeout.ts';
import { PLAIN_SMTP } from '../../helpers/fixtures.ts';
import { ask, flagRefusal } from '../../helpers/steps.ts';

const SECONDS = 'connection timeout must be a whole number of seconds from 1 to 600';

test('schema: whole seconds from 1 to 600, given as --connection-timeout or in the answers file; kept in milliseconds', () => {
  assert.equal(flagRefusal('connectionTimeout', '0'), `--connection-timeout: ${SECONDS}`);
  assert.equal(flagRefusal('connectionTimeout', '601'), `--connection-timeout: ${SECONDS}`);
  assert.deepEqual(presetAnswers({ connectionTimeout: '45' }).settings, { connectionTimeoutMs: 45000 });
  assert.deepEqual(presetAnswers({}, { name: 'answers.json', content: { connectionTimeout: 30 } }).settings, { connectionTimeoutMs: 30000 });
  assert.equal(answersFileContent({ ...PLAIN_SMTP, connectionTimeoutMs: 20000 }).connectionTimeout, 20);
});

test('not asked in the flow, only when chosen; the stored value, else 15 seconds', () => {
  assert.equal(connectionTimeoutQuestion.asked, 'on-change');
  assert.equal(connectionTimeoutQuestion.defaultValue({}, {}), 15000);
  assert.equal(connectionTimeoutQuestion.defaultValue({}, { connectionTimeoutMs: 60000 }), 60000);
  assert.equal(connectionTimeoutQuestion.display?.(20000), '20 s');
});

test("prompt: in seconds, the current value offered, refused in the flag's words; kept in milliseconds", async () => {
  const { answer, asked, screen } = await ask(connectionTimeoutQuestion, [['Connection timeout (seconds)', '45']], { stored: { connectionTimeoutMs: 30000 } });
  assert.equal(answer, 45000);
  assert.equal(asked[0]?.default, '30');
  assert.equal(asked[0]?.validate?.('0'), SECONDS);
  assert.equal(asked[0]?.validate?.('600'), true);
  assert.equal(screen, 'How long Teaming waits for the mail server to accept a connection before it gives up on a message.\n');
});
