/**
 * The published package: only the bundle, the README and package.json go in, and the packed
 * tarball installs globally and runs from its bin link, in a folder of its own, with no dependency
 * installed beside it (the bundle holds every library it uses).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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
  test('npm pack ships bin/, dist/ (the program and its chunks), README.md and package.json only: no sources, tests, maps or temporary files', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', ...NPM_FLAGS], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const paths = packed.files.map((file) => file.path);
    const { bin } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    for (const target of Object.values(bin)) assert.ok(paths.includes(target), `the bin ${target} is not packed`);
    assert.ok(paths.includes('dist/cli.js'), 'dist/cli.js is not packed');
    assert.ok(
      paths.some((path) => path.startsWith('dist/chunks/')),
      'dist/chunks/ is not packed',
    );
    for (const path of paths) {
      assert.match(path, /^(bin\/teaming-mail-setup\.js$|dist\/|README\.md$|package\.json$|LICEN[CS]E(\.\w+)?$)/, `${path} should not be packed`);
      assert.doesNotMatch(path, /(^|\/)(src|test|node_modules)\/|\.map$|\.tmp$|\.lock$|\.bak$|\.ts$/, `${path} should not be packed`);
    }
  });

  test('the tarball installs globally into a temporary prefix, and its bin runs with no other package installed (self-contained): --version and a dry run', async () => {
    await run('npm', ['pack', '--pack-destination', folder, ...NPM_FLAGS], { cwd: ROOT });
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const prefix = join(folder, 'prefix');
    // ./ : a bare "name.tgz" would be taken for a package name. --prefer-offline: from the cache when it can.
    await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', ...NPM_FLAGS, `./teaming-mail-setup-${version}.tgz`], {
      cwd: folder,
      timeout: 120_000,
    });
    const bin = join(prefix, 'bin', 'teaming-mail-setup');
    assert.deepEqual(await readdir(join(prefix, 'lib', 'node_modules')), ['teaming-mail-setup'], 'the package installs no dependency');
    assert.equal(existsSync(join(prefix, 'lib', 'node_modules', 'teaming-mail-setup', 'node_modules')), false, 'the package installs no dependency');
    const versionRun = await run(bin, ['--version'], { cwd: folder });
    assert.equal(versionRun.stdout.trim(), version);
    const dryRun = await run(bin, ['--non-interactive', '--no-probe', '--dry-run', '--host', 'mail.example.com', '--time-zone', 'UTC', '--no-auth'], {
      cwd: folder,
    });
    assert.match(dryRun.stdout, /^mail\.smtp\.host=mail\.example\.com$/m);
  });
});
