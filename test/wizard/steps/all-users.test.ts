/** The All Users question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { booleanSchema, check } from '../../../src/settings/schemas.ts';
import { allUsersQuestion } from '../../../src/wizard/steps/all-users.ts';
import { ask } from '../../helpers/steps.ts';

test('schema: yes or no, in the answers file as true/false/yes/no', () => {
  assert.deepEqual(check(booleanSchema('allowSendToAllUsers'), 'FALSE'), { ok: true, value: false });
  assert.deepEqual(check(booleanSchema('allowSendToAllUsers'), 'never'), { ok: false, message: 'allowSendToAllUsers must be true or false' });
});

test('prompt: a yes/no question, with what it costs on a large site', async () => {
  const { answer, asked, screen } = await ask(allUsersQuestion, [['Allow users to send e-mail to the All Users group?', false]]);
  assert.equal(answer, false);
  assert.equal(asked[0]?.kind, 'confirm');
  assert.equal(screen, 'On a large site, one message to All Users becomes an e-mail to every user.\n');
});

test("default: yes, as Teaming's installer; or the stored answer", () => {
  assert.equal(allUsersQuestion.defaultValue({}, {}), true);
  assert.equal(allUsersQuestion.defaultValue({}, { allowSendToAllUsers: false }), false);
});
