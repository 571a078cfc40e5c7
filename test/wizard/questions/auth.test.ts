/** The authentication question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { booleanSchema, check } from '../../../src/settings/schemas.ts';
import { authQuestion } from '../../../src/wizard/questions/auth.ts';
import { ask } from '../../helpers/steps.ts';

test('schema: yes or no, in the answers file as true/false/yes/no', () => {
  assert.deepEqual(check(booleanSchema('auth'), 'no'), { ok: true, value: false });
  assert.deepEqual(check(booleanSchema('auth'), 1), { ok: false, message: 'auth must be true or false' });
});

test('prompt: a yes/no question, with why it matters', async () => {
  const { answer, asked, screen } = await ask(authQuestion, [['Does the mail server require authentication?', true]]);
  assert.equal(answer, true);
  assert.equal(asked[0]?.kind, 'confirm');
  assert.equal(screen, 'Many mail servers accept mail only from an authenticated account.\n');
});

test('default: no, or the stored answer', () => {
  assert.equal(authQuestion.defaultValue({}, {}), false);
  assert.equal(authQuestion.defaultValue({}, { auth: true }), true);
});
