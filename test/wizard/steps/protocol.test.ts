/** The protocol question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, protocolSchema } from '../../../src/settings/schemas.ts';
import { protocolQuestion } from '../../../src/wizard/steps/protocol.ts';
import { ask, flagRefusal } from '../../helpers/steps.ts';

test('schema: smtp or smtps, nothing else; --protocol is refused in the same words', () => {
  assert.deepEqual(check(protocolSchema, 'smtps'), { ok: true, value: 'smtps' });
  assert.deepEqual(check(protocolSchema, 'imap'), { ok: false, message: 'protocol must be smtp or smtps' });
  assert.equal(flagRefusal('protocol', 'smpt'), '--protocol: protocol must be smtp or smtps');
  assert.equal(flagRefusal('protocol', 'smtp'), undefined);
});

test('prompt: a choice of SMTP and SMTPS, each explained', async () => {
  const { answer, asked } = await ask(protocolQuestion, [['Outbound e-mail protocol', 'smtps']]);
  assert.equal(answer, 'smtps');
  assert.deepEqual(
    asked.map(({ kind, message, choices }) => ({ kind, message, choices })),
    [{ kind: 'select', message: 'Outbound e-mail protocol', choices: ['SMTP', 'SMTPS'] }],
  );
});

test('default: SMTP, or the stored protocol', () => {
  assert.equal(protocolQuestion.defaultValue({}, {}), 'smtp');
  assert.equal(protocolQuestion.defaultValue({}, { protocol: 'smtps' }), 'smtps');
});
