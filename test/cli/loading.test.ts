/**
 * The commands that only ask or print load no network module: the program's dynamic imports
 * (dist/chunks/) keep nodemailer and node:tls out until a check needs them. What a run loaded is
 * read off the process itself when it ends (process.moduleLoadList), written by a module preloaded
 * with NODE_OPTIONS=--require.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/files.ts';
import { propertiesText } from '../helpers/fixtures.ts';
import { spawnCli } from '../helpers/pty.ts';

const REPORTER = `
process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_REPORT, JSON.stringify(
  process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length)),
)));
`;

/** What only a mail server check needs (TLS, DNS, and HTTP, which nodemailer loads with them). */
const NETWORK = ['tls', '_tls_wrap', 'dns', 'http', 'https', 'zlib'];

let folder: string;
let reporter: string;
before(async () => {
  folder = await tempFolder();
  reporter = join(folder, 'reporter.cjs');
  await writeFile(reporter, REPORTER);
});

/** The environment that makes a run report its built-in modules, and the reader of that report. */
function reporting(name: string): { env: Record<string, string>; read: () => Promise<string[]> } {
  const report = join(folder, `${name}.json`);
  return { env: { NODE_OPTIONS: `--require ${reporter}`, LOADED_REPORT: report }, read: async () => JSON.parse(await readFile(report, 'utf8')) as string[] };
}

const networkModulesOf = (loaded: string[]) => NETWORK.filter((name) => loaded.includes(name));

/** A plain SMTP settings file for 127.0.0.1:PORT. */
function settingsFile(port: number): string {
  return propertiesText({
    'mail.transport.protocol': 'smtp',
    'mail.smtp.host': '127.0.0.1',
    'mail.smtp.port': String(port),
    'mail.smtp.auth': 'false',
    'mail.smtp.connectiontimeout': '15000',
    'mail.smtp.timeout': '60000',
    'mail.smtp.writetimeout': '60000',
    'notify.timezone': 'UTC',
    'mail.allowSendToAllUsers': 'false',
  });
}

describe('what a run loads', () => {
  test('--help and show: no network module', async () => {
    const file = join(folder, 'installer.properties');
    await writeFile(file, settingsFile(2525));
    for (const [name, args] of [
      ['help', ['--help']],
      ['show', ['show', '-f', file]],
    ] as const) {
      const { env, read } = reporting(name);
      const result = await runCli(args, { cwd: folder, env });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(networkModulesOf(await read()), [], name);
    }
  });

  test('the wizard up to its first question: no network module', async () => {
    const { env, read } = reporting('wizard');
    const run = spawnCli(['-f', join(folder, 'new.properties')], { cwd: folder, env });
    try {
      await run.waitFor('Where does the mail go?');
      run.press('ctrl-c');
      assert.equal(await run.exit(), 130);
    } finally {
      run.kill();
    }
    assert.deepEqual(networkModulesOf(await read()), []);
  });
});
