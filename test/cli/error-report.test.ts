/**
 * An error is data: its message, its detail (the OS's or the parser's words) and its fix, shown on
 * one line on the screen and as separate fields in the --json document, whose `errors` holds the
 * very lines the screen shows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CliError, errorDocument, errorLines, EXIT, UsageError } from '../../src/errors.ts';
import { run, UNATTENDED } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/files.ts';

describe('errors as message, detail and fix', () => {
  test('one line on the screen: the message, then the detail, then the fix', () => {
    assert.deepEqual(errorLines(new UsageError('no terminal to ask the questions on', { fix: 'add --non-interactive' })), [
      'no terminal to ask the questions on: add --non-interactive',
    ]);
    const both = new CliError('internal error', EXIT.internal, { detail: 'boom', fix: 'please report this' });
    assert.deepEqual(errorLines(both), ['internal error: boom: please report this']);
    assert.deepEqual(errorDocument(both), {
      result: 'error',
      exitCode: 1,
      errors: ['internal error: boom: please report this'],
      problems: [{ message: 'internal error', detail: 'boom', fix: 'please report this' }],
    });
  });

  test('an unreadable answers file with --json: the screen line, and the same line and its fields in the document', async () => {
    const cwd = await tempFolder();
    const result = await run([...UNATTENDED, '--json', '--answers', 'nope.json'], { cwd });
    assert.equal(result.code, EXIT.usage);
    const line = '--answers: there is no file nope.json';
    assert.equal(result.stderr, `✖ ${line}\n`);
    assert.deepEqual(JSON.parse(result.stdout), {
      result: 'error',
      exitCode: 2,
      errors: [line],
      problems: [{ message: '--answers: there is no file nope.json' }],
    });
  });
});
