/** The mail host question: its schema, its prompt, its default. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, hostSchema } from '../../../src/settings/schemas.ts';
import { hostQuestion } from '../../../src/wizard/steps/server.ts';
import { ask, flagRefusal } from '../../helpers/steps.ts';

const SPACES = 'host must not contain spaces: a host name is one word, such as mail.example.com';

test("schema: a name or an address, trimmed and unbracketed; --host is refused in the prompt's words", async () => {
  assert.deepEqual(check(hostSchema, ' [2001:db8::25] '), { ok: true, value: '2001:db8::25' });
  assert.deepEqual(check(hostSchema, 'mail example.com'), { ok: false, message: SPACES });
  const { asked } = await ask(hostQuestion, [['Mail host', 'mail.example.com']]);
  assert.equal(asked[0]?.validate?.('mail example.com'), SPACES);
  assert.equal(flagRefusal('host', 'mail example.com'), `--host: ${SPACES}`);
});

test('prompt: says what a host looks like, and gives the answer as the schema does', async () => {
  const { answer, asked, screen } = await ask(hostQuestion, [['Mail host', '  mail.example.com ']]);
  assert.equal(answer, 'mail.example.com');
  assert.equal(asked[0]?.kind, 'input');
  assert.equal(screen, 'Name or address of the mail server: mail.example.com, 192.0.2.25, 2001:db8::25\n');
});

test('default: none for a new configuration, the stored host when reconfiguring', async () => {
  assert.equal(hostQuestion.defaultValue({}, {}), undefined);
  const { answer, asked } = await ask(hostQuestion, [['Mail host', '']], { stored: { host: 'old.example.com' } });
  assert.equal(asked[0]?.default, 'old.example.com');
  assert.equal(answer, 'old.example.com');
});
