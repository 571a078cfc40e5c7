/**
 * bin/teaming-mail-setup.js compiles dist/cli.cjs with the code cache the build made beside it:
 * a run of this Node.js uses it, and a cache that is missing, damaged or made from another source
 * is passed over (V8 compiles from the source) with the same result. NODE_DEBUG=teaming-mail-setup
 * tells which happened. Each case runs a copy of bin/ and dist/ in a folder of its own.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'teaming-mail-code-cache-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A copy of the built command in a folder of its own; `damage` changes it before it runs `args`. */
async function runCopy(name: string, args: string[], damage: (dist: string) => Promise<void> = async () => {}) {
  const copy = join(folder, name);
  await cp(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  await cp(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  await damage(join(copy, 'dist'));
  const env = { ...process.env, NODE_DEBUG: 'teaming-mail-setup', NO_COLOR: '1' };
  const { stdout, stderr } = await run(process.execPath, [join(copy, 'bin', 'teaming-mail-setup.js'), ...args], { cwd: copy, env });
  const cache = /^TEAMING-MAIL-SETUP \d+: code cache (\w+)$/m.exec(stderr)?.[1];
  return { stdout, cache };
}

const HELP = ['show', '--help'];

describe('the code cache of the program', () => {
  test('the build makes it beside dist/cli.cjs and a run of this Node.js uses it', async () => {
    const { stdout, cache } = await runCopy('as-built', HELP);
    assert.equal(cache, 'used');
    assert.match(stdout, /^Usage: teaming-mail-setup show /m);
  });

  test('missing, truncated, garbage or made from another source: passed over, and the output is the same', async () => {
    const expected = (await runCopy('reference', HELP)).stdout;
    const cases: [string, (dist: string) => Promise<void>, string][] = [
      ['missing', (dist) => rm(join(dist, 'cli.cjs.cache')), 'missing'],
      ['truncated', async (dist) => truncate(join(dist, 'cli.cjs.cache'), 1000), 'rejected'],
      ['garbage', (dist) => writeFile(join(dist, 'cli.cjs.cache'), Buffer.alloc(4096, 0x5a)), 'rejected'],
      ['another source', (dist) => appendFile(join(dist, 'cli.cjs'), '\n// edited after the build\n'), 'rejected'],
    ];
    for (const [name, damage, verdict] of cases) {
      const { stdout, cache } = await runCopy(name.replace(/ /g, '-'), HELP, damage);
      assert.equal(cache, verdict, name);
      assert.equal(stdout, expected, name);
    }
  });

  test('every function is in the cache (the build compiles with --no-lazy), not only the top level', async () => {
    const program = await readFile(join(ROOT, 'dist', 'cli.cjs'));
    const cache = await readFile(join(ROOT, 'dist', 'cli.cjs.cache'));
    assert.ok(cache.length > program.length, `${cache.length} bytes of cache for ${program.length} of program: the top level only`);
  });
});
