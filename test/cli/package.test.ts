/**
 * The published package: only the bundle, the README and package.json go in, and the packed
 * tarball installs globally and runs from its bin link, in a folder of its own.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
/** No lifecycle scripts: `prepack` would rebuild dist/ under the other tests' feet. */
const NPM_FLAGS = ['--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier'];

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'teaming-mail-package-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the npm package', () => {
  test('npm pack ships bin/, dist/ (the program, its code cache, the vendor files), README.md and package.json only: no sources, tests, maps or temporary files', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', ...NPM_FLAGS], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const paths = packed.files.map((file) => file.path);
    const { bin } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    for (const target of Object.values(bin)) assert.ok(paths.includes(target), `the bin ${target} is not packed`);
    for (const file of ['dist/cli.cjs', 'dist/cli.cjs.cache', 'dist/vendor/luxon.cjs', 'dist/vendor/xmldom.cjs'])
      assert.ok(paths.includes(file), `${file} is not packed`);
    for (const path of paths) {
      assert.match(
        path,
        /^(bin\/teaming-mail-setup\.js$|bin\/package\.json$|dist\/|README\.md$|package\.json$|LICEN[CS]E(\.\w+)?$)/,
        `${path} should not be packed`,
      );
      assert.doesNotMatch(path, /(^|\/)(src|test|node_modules)\/|\.map$|\.tmp$|\.lock$|\.bak$|\.ts$/, `${path} should not be packed`);
    }
  });

  test('the tarball installs globally into a temporary prefix, and its bin runs: --version (with the code cache) and a dry run', async () => {
    await run('npm', ['pack', '--pack-destination', folder, ...NPM_FLAGS], { cwd: ROOT });
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const prefix = join(folder, 'prefix');
    // ./ : a bare "name.tgz" would be taken for a package name. --prefer-offline: from the cache when it can.
    await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', ...NPM_FLAGS, `./teaming-mail-setup-${version}.tgz`], {
      cwd: folder,
      timeout: 120_000,
    });
    const bin = join(prefix, 'bin', 'teaming-mail-setup');
    const versionRun = await run(bin, ['--version'], { cwd: folder, env: { ...process.env, NODE_DEBUG: 'teaming-mail-setup' } });
    assert.equal(versionRun.stdout.trim(), version);
    assert.match(versionRun.stderr, /^TEAMING-MAIL-SETUP \d+: code cache used$/m);
    const dryRun = await run(bin, ['--non-interactive', '--no-probe', '--dry-run', '--host', 'mail.example.com', '--time-zone', 'UTC', '--no-auth'], {
      cwd: folder,
    });
    assert.match(dryRun.stdout, /^mail\.smtp\.host=mail\.example\.com$/m);
  });
});
