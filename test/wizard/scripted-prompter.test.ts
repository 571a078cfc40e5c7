/** The scripted prompter itself: a test that leaves scripted answers unused fails. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';

test('a test that leaves scripted answers unused fails, naming them; one that uses them all passes', async () => {
  const fixture = fileURLToPath(new URL('../fixtures/leftover-answers.ts', import.meta.url));
  // Without the variable the runner sets for its own children, the fixture runs as a run of its own.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', fixture], { env }).then(
    () => assert.fail('the run passed'),
    (error: { code: number; stdout: string }) => error,
  );
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^ok 1 - uses every answer$/m);
  assert.match(result.stdout, /^not ok 2 - leaves an answer over$/m);
  assert.match(result.stdout, /scripted answers left unused: "Port"/);
});
