/** The password question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, passwordSchema } from '../../../src/settings/schemas.ts';
import { passwordQuestion } from '../../../src/wizard/questions/password.ts';
import { ask } from '../../helpers/steps.ts';

test('schema: any text but NUL, as typed; the prompt refuses in the same words', async () => {
  assert.deepEqual(check(passwordSchema, ' spaced '), { ok: true, value: ' spaced ' });
  assert.deepEqual(check(passwordSchema, 'a\u0000b'), { ok: false, message: 'password must not contain a NUL character' });
  const { asked } = await ask(passwordQuestion, [['Password', 'secret']]);
  assert.equal(asked[0]?.validate?.('a\u0000b'), 'password must not contain a NUL character');
});

test('prompt: hidden; blank means no password for a new configuration', async () => {
  const { answer, asked, screen } = await ask(passwordQuestion, [['Password', '']]);
  assert.equal(answer, '');
  assert.equal(asked[0]?.kind, 'password');
  assert.equal(screen, 'Leave blank if the server needs no password.\n');
});

test('default: the stored password, kept on a blank answer, and the screen says so', async () => {
  assert.equal(passwordQuestion.defaultValue({}, {}), '');
  const { answer, screen } = await ask(passwordQuestion, [['Password', '']], { stored: { password: 'stored-secret' } });
  assert.equal(answer, 'stored-secret');
  assert.equal(screen, 'Leave blank to keep the current password.\nThe current password is kept.\n');
});
