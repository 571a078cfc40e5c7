/** The STARTTLS question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { booleanSchema, check } from '../../../src/settings/schemas.ts';
import { starttlsQuestion } from '../../../src/wizard/questions/starttls.ts';
import { ask, flagRefusal } from '../../helpers/steps.ts';

test('schema: yes or no, in the answers file as true/false/yes/no', () => {
  assert.deepEqual(check(booleanSchema('starttls'), 'Yes'), { ok: true, value: true });
  assert.deepEqual(check(booleanSchema('starttls'), 'sometimes'), { ok: false, message: 'starttls must be true or false' });
  // --starttls and --no-starttls give true or false: nothing to refuse.
  assert.equal(flagRefusal('starttls', false), undefined);
});

test('prompt: a yes/no question, only for SMTP', async () => {
  const { answer, asked, screen } = await ask(starttlsQuestion, [['Use STARTTLS?', true]], { draft: { protocol: 'smtp', port: 587 } });
  assert.equal(answer, true);
  assert.equal(asked[0]?.kind, 'confirm');
  assert.equal(screen, 'STARTTLS encrypts the connection before the password is sent; 587 requires it.\n');
  assert.equal(starttlsQuestion.applies({ protocol: 'smtp' }), true);
  assert.equal(starttlsQuestion.applies({ protocol: 'smtps' }), false);
});

test('default: yes on 587; the stored answer stays unless the port moves to 587', () => {
  assert.equal(starttlsQuestion.defaultValue({ protocol: 'smtp', port: 25 }, {}), false);
  assert.equal(starttlsQuestion.defaultValue({ protocol: 'smtp', port: 587 }, {}), true);
  assert.equal(starttlsQuestion.defaultValue({ protocol: 'smtp', port: 2525 }, { protocol: 'smtp', port: 25, starttls: true }), true);
  assert.equal(starttlsQuestion.defaultValue({ protocol: 'smtp', port: 587 }, { protocol: 'smtp', port: 25, starttls: false }), true);
  assert.equal(starttlsQuestion.defaultValue({ protocol: 'smtp', port: 25 }, { protocol: 'smtp', port: 25, starttls: false }), false);
});
