/**
 * Values from a file, a flag or an answers file reach the terminal with their control characters,
 * escapes and bidi overrides shown visibly (`\x1b`, `\u202e`), never acted on: a stored user name
 * cannot set the window title or clear the screen in `show` or `--reconfigure --dry-run`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, UNATTENDED } from '../helpers/cli.ts';

/** Sets the window title, rings the bell, clears the screen, reverses the text after it. */
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\u202eevil';
const SHOWN = '\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil';

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'terminal-safe-'));
  await writeFile(
    join(folder, 'installer.properties'),
    [
      'mail.transport.protocol=smtp',
      'mail.smtp.host=mail.example.com',
      'mail.smtp.port=25',
      'mail.smtp.auth=true', // .properties escapes: the value holds the characters themselves.
      'mail.smtp.user=admin\\u001b]0;pwned\\u0007\\u001b[2J\\u202eevil',
      'notify.timezone=UTC',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Nothing a terminal acts on: no ESC, BEL, C1 control or bidi override anywhere in the output. */
function assertInert(text: string): void {
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text), JSON.stringify(text));
}

describe('terminal-safe output', () => {
  test('show: the stored user name with escapes is shown visibly, not acted on; --json too', async () => {
    const result = await runCli(['show'], { cwd: folder });
    assert.equal(result.code, 0, result.stderr);
    assertInert(result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`User name +admin${SHOWN.replace(/[\\[\]]/g, '\\$&')}\n`));
    const json = await runCli(['show', '--json'], { cwd: folder });
    assertInert(json.stdout + json.stderr);
    assert.equal(
      (JSON.parse(json.stdout) as { settings: { username: string } }).settings.username,
      `admin${HOSTILE}`,
      'the parsed document holds the value as it is',
    );
  });

  test('--reconfigure --dry-run: the change list shows the escapes visibly', async () => {
    const result = await runCli([...UNATTENDED, '--reconfigure', '--no-auth', '--dry-run'], { cwd: folder });
    assert.equal(result.code, 0, result.stderr);
    assertInert(result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`\n  User name +admin${SHOWN.replace(/[\\[\]]/g, '\\$&')} → \\(not set\\)\n`));
  });

  test('an answers-file key with escapes: refused, the key shown visibly', async () => {
    await writeFile(join(folder, 'answers.json'), JSON.stringify({ [`ho${HOSTILE}st`]: 'x' }));
    const result = await runCli([...UNATTENDED, '--answers', 'answers.json', '-f', 'new.properties'], { cwd: folder });
    assert.equal(result.code, 2);
    assertInert(result.stdout + result.stderr);
    assert.ok(result.stderr.includes(`ho${SHOWN}st`), result.stderr);
  });
});
