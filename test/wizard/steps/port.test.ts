/** The port question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, portSchema } from '../../../src/settings/schemas.ts';
import { portQuestion } from '../../../src/wizard/steps/server.ts';
import { ask, flagRefusal } from '../../helpers/steps.ts';

const PORT = 'port must be a whole number from 1 to 65535';

test("schema: a whole number from 1 to 65535, typed or given; --port is refused in the prompt's words", async () => {
  assert.deepEqual(check(portSchema, ' 587 '), { ok: true, value: 587 });
  assert.deepEqual(check(portSchema, '70000'), { ok: false, message: PORT });
  const { asked } = await ask(portQuestion, [['Port', '25']], { draft: { protocol: 'smtp' } });
  assert.equal(asked[0]?.validate?.('70000'), PORT);
  assert.equal(flagRefusal('port', '70000'), `--port: ${PORT}`);
});

test('prompt: the usual ports of the protocol chosen; the answer is a number', async () => {
  const smtp = await ask(portQuestion, [['Port', '587']], { draft: { protocol: 'smtp' } });
  assert.equal(smtp.answer, 587);
  assert.equal(smtp.screen, 'Usually 25; many servers require 587 (submission, with STARTTLS) instead.\n');
  const smtps = await ask(portQuestion, [['Port', '']], { draft: { protocol: 'smtps' } });
  assert.equal(smtps.answer, 465);
  assert.equal(smtps.screen, 'SMTPS servers usually listen on 465.\n');
});

test("default: the protocol's port; the stored one only for the stored protocol", () => {
  assert.equal(portQuestion.defaultValue({ protocol: 'smtp' }, {}), 25);
  assert.equal(portQuestion.defaultValue({ protocol: 'smtps' }, {}), 465);
  assert.equal(portQuestion.defaultValue({ protocol: 'smtp' }, { protocol: 'smtp', port: 2525 }), 2525);
  assert.equal(portQuestion.defaultValue({ protocol: 'smtps' }, { protocol: 'smtp', port: 2525 }), 465);
});
