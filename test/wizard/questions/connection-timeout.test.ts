/** The connection timeout: not asked; its flag and answers-file key in seconds, stored in milliseconds; its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answersFileContent, presetAnswers } from '../../../src/cli/answers.ts';
import { connectionTimeoutQuestion } from '../../../src/wizard/questions/connection-timeout.ts';
import { PLAIN_SMTP } from '../../helpers/fixtures.ts';
import { flagRefusal } from '../../helpers/steps.ts';

const SECONDS = 'connection timeout must be a whole number of seconds from 1 to 600';

test('schema: whole seconds from 1 to 600, given as --connection-timeout or in the answers file; kept in milliseconds', () => {
  assert.equal(flagRefusal('connectionTimeout', '0'), `--connection-timeout: ${SECONDS}`);
  assert.equal(flagRefusal('connectionTimeout', '601'), `--connection-timeout: ${SECONDS}`);
  assert.deepEqual(presetAnswers({ connectionTimeout: '45' }).settings, { connectionTimeoutMs: 45000 });
  assert.deepEqual(presetAnswers({}, { name: 'answers.json', content: { connectionTimeout: 30 } }).settings, { connectionTimeoutMs: 30000 });
  assert.equal(answersFileContent({ ...PLAIN_SMTP, connectionTimeoutMs: 20000 }).connectionTimeout, 20);
});

test('not asked in the flow: no prompt; the stored value, else 15 seconds', () => {
  assert.equal(connectionTimeoutQuestion.asked, 'never');
  assert.equal(connectionTimeoutQuestion.ask, undefined);
  assert.equal(connectionTimeoutQuestion.defaultValue({}, {}), 15000);
  assert.equal(connectionTimeoutQuestion.defaultValue({}, { connectionTimeoutMs: 60000 }), 60000);
  assert.equal(connectionTimeoutQuestion.display?.(20000), '20 s');
});
