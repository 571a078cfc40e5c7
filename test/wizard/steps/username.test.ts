/** The user name question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, usernameSchema } from '../../../src/settings/schemas.ts';
import { usernameQuestion } from '../../../src/wizard/steps/authentication.ts';
import { ask, flagRefusal } from '../../helpers/steps.ts';

const REQUIRED = 'user name is required when the server needs authentication: a user name or a full e-mail address';

test("schema: any user name or address, trimmed, not empty; --username is refused in the prompt's words", async () => {
  assert.deepEqual(check(usernameSchema, ' DOMAIN\\user '), { ok: true, value: 'DOMAIN\\user' });
  assert.deepEqual(check(usernameSchema, '  '), { ok: false, message: REQUIRED });
  const { asked } = await ask(usernameQuestion, [['User name or e-mail address', 'teaming']]);
  assert.equal(asked[0]?.validate?.('  '), REQUIRED);
  assert.equal(flagRefusal('username', '  '), `--username: ${REQUIRED}`);
});

test('prompt: only with authentication; says it is also the sender', async () => {
  const { answer, screen } = await ask(usernameQuestion, [['User name or e-mail address', ' teaming@example.com ']]);
  assert.equal(answer, 'teaming@example.com');
  assert.equal(screen, 'Some servers take a plain user name, others the full e-mail address.\nIt is also the sender ("From") of notifications.\n');
  assert.equal(usernameQuestion.applies({ auth: true }), true);
  assert.equal(usernameQuestion.applies({ auth: false }), false);
});

test('default: none, or the stored user name', () => {
  assert.equal(usernameQuestion.defaultValue({}, {}), undefined);
  assert.equal(usernameQuestion.defaultValue({}, { username: '' }), undefined);
  assert.equal(usernameQuestion.defaultValue({}, { username: 'teaming' }), 'teaming');
});
