/**
 * The test message question after writing, and the write step it ends: its schema (shared with
 * --test-recipient), its prompt, its default (blank: skip). The disk is a fake capability here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileAccess } from '../../../src/wizard/file-access.ts';
import { COMMAND_LINE_WORDS } from '../../../src/cli/answers.ts';
import { parseInvocation } from '../../../src/cli/invocation.ts';
import { check, testRecipientSchema } from '../../../src/settings/schemas.ts';
import { writeStep, type WriteStep } from '../../../src/wizard/steps/write.ts';
import { PLAIN_SMTP, propertiesText } from '../../helpers/fixtures.ts';
import { capturedOutput, scriptedPrompter } from '../../helpers/scripted.ts';

const ADDRESS = 'test recipient must be one e-mail address, such as admin@example.com';
const QUESTION = 'Send a test message to (e-mail address, blank to skip)';

/** A disk that holds what was written, in memory. */
function memoryFiles(): { files: FileAccess; written: Map<string, string> } {
  const written = new Map<string, string>();
  const files: FileAccess = {
    load: async (path) => ({ path, bytes: undefined, stored: { hasOutbound: false, settings: {} } }),
    missingFolder: async () => undefined,
    createFolder: async (folder) => folder,
    removeEmptyFolders: async () => {},
    checkTarget: async () => {},
    write: async (path, bytes) => {
      written.set(path, bytes.toString('latin1'));
      return { access: 'mode 0600, owner root:root' };
    },
    saveCertificate: async () => undefined,
    isFile: async () => false,
  };
  return { files, written };
}

function step(overrides: Partial<WriteStep> = {}): WriteStep {
  return {
    loaded: { path: 'installer.properties', bytes: undefined, stored: { hasOutbound: false, settings: {} } },
    settings: { ...PLAIN_SMTP, starttls: true },
    changes: [],
    reconfiguring: false,
    commandLine: COMMAND_LINE_WORDS,
    interactive: true,
    dryRun: false,
    force: false,
    probe: {},
    checkPassed: true,
    run: { allowPlaintextAuth: false },
    java: { notes: { checksServerName: true, warnings: [] } },
    ...overrides,
  };
}

test("schema: one plain address; --test-recipient is refused in the prompt's words", async () => {
  assert.deepEqual(check(testRecipientSchema, ' admin@example.com '), { ok: true, value: 'admin@example.com' });
  assert.deepEqual(check(testRecipientSchema, 'admin'), { ok: false, message: ADDRESS });
  assert.deepEqual(check(testRecipientSchema, 'a@b.example, c@d.example'), { ok: false, message: ADDRESS });
  assert.deepEqual(parseInvocation('check', { testRecipient: 'admin' }).problems, [`--test-recipient: ${ADDRESS}`]);
  const { prompt, asked } = scriptedPrompter([[QUESTION, '']]);
  await writeStep(step(), { files: memoryFiles().files, out: capturedOutput().out, prompt, sendTestMessage: async () => true });
  assert.equal(asked[0]?.validate?.('admin'), ADDRESS);
  assert.equal(asked[0]?.validate?.('   '), true);
});

test('prompt: after writing, the address given goes to the test message, trimmed', async () => {
  const { files, written } = memoryFiles();
  const sent: string[] = [];
  const { prompt } = scriptedPrompter([[QUESTION, ' admin@example.com ']]);
  const { out, text } = capturedOutput();
  const result = await writeStep(step(), { files, out, prompt, sendTestMessage: async (_settings, recipient) => sent.push(recipient) > 0 });
  assert.equal(result.result, 'written');
  assert.deepEqual(sent, ['admin@example.com']);
  assert.equal(
    written.get('installer.properties'),
    propertiesText({
      'mail.transport.protocol': 'smtp',
      'mail.smtp.host': 'mail.example.com',
      'mail.smtp.port': '25',
      'mail.smtp.auth': 'true',
      'mail.smtp.user': 'user',
      'mail.smtp.password': 'pw',
      'mail.smtp.sendpartial': 'true',
      'mail.smtp.connectiontimeout': '15000',
      'mail.smtp.timeout': '60000',
      'mail.smtp.writetimeout': '60000',
      'mail.smtp.ssl.checkserveridentity': 'true',
      'mail.smtp.starttls.enable': 'true',
      'mail.smtp.starttls.required': 'true',
      'notify.timezone': 'UTC',
      'mail.allowSendToAllUsers': 'true',
    }),
  );
  assert.equal(text(), '✔ Wrote installer.properties (mode 0600, owner root:root).\n');
});

test('default: blank skips; not offered unattended, after a failed check, or with --test-recipient given', async () => {
  const sent: string[] = [];
  const send = async (_settings: unknown, recipient: string) => sent.push(recipient) > 0;
  const { prompt } = scriptedPrompter([[QUESTION, '']]);
  await writeStep(step(), { files: memoryFiles().files, out: capturedOutput().out, prompt, sendTestMessage: send });
  for (const [overrides, sendTestMessage] of [
    [{ interactive: false }, send],
    [{ checkPassed: false }, send],
    [{}, undefined],
  ] as const) {
    await writeStep(step(overrides), { files: memoryFiles().files, out: capturedOutput().out, prompt: scriptedPrompter([]).prompt, sendTestMessage });
  }
  assert.deepEqual(sent, []);
});
