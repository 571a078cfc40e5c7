/**
 * Each command pays only for what it does. The program is one file (dist/cli.cjs) whose modules run
 * when first imported, so what a run loaded is read off the process itself, when it ends: Node's
 * built-in modules (process.moduleLoadList) and the files of dist/vendor/ (require.cache), written
 * by a module preloaded with NODE_OPTIONS=--require.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/files.ts';
import { propertiesText } from '../helpers/properties-text.ts';
import { KEYS, spawnCli } from '../helpers/pty.ts';
import { startSmtpServer, TEST_PASSWORD, TEST_USER } from '../helpers/smtp-servers.ts';

const REPORTER = `
process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_REPORT, JSON.stringify({
  builtins: process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length)),
  vendor: Object.keys(require.cache).filter((file) => /[\\\\/]dist[\\\\/]vendor[\\\\/]/.test(file)).map((file) => file.replace(/^.*[\\\\/]/, '')),
})));
`;

/** What only a mail server check needs (TLS, DNS), and what no command here needs (HTTP, compression, child processes). */
const NETWORK = ['tls', '_tls_wrap', 'dns', 'http', 'https', 'zlib', 'child_process'];

let folder: string;
let reporter: string;
before(async () => {
  folder = await tempFolder();
  reporter = join(folder, 'reporter.cjs');
  await writeFile(reporter, REPORTER);
});

interface Loaded {
  builtins: string[];
  vendor: string[];
}

function reporting(name: string): { env: Record<string, string>; read: () => Promise<Loaded> } {
  const report = join(folder, `${name}.json`);
  return { env: { NODE_OPTIONS: `--require ${reporter}`, LOADED_REPORT: report }, read: async () => JSON.parse(await readFile(report, 'utf8')) as Loaded };
}

const loadedOf = (loaded: Loaded, names: readonly string[]) => names.filter((name) => loaded.builtins.includes(name));

/** A plain SMTP settings file for 127.0.0.1:PORT, with `extra` keys laid over it. */
function settingsFile(port: number, extra: Record<string, string> = {}): string {
  return propertiesText({
    'mail.transport.protocol': 'smtp',
    'mail.smtp.host': '127.0.0.1',
    'mail.smtp.port': String(port),
    'mail.smtp.auth': 'false',
    'mail.smtp.connectiontimeout': '15000',
    'notify.timezone': 'UTC',
    'mail.allowSendToAllUsers': 'false',
    ...extra,
  });
}

describe('what a run loads', () => {
  test('--help and show: no network module and no vendor file', async () => {
    const file = join(folder, 'installer.properties');
    await writeFile(file, settingsFile(2525));
    for (const [name, args] of [
      ['help', ['--help']],
      ['show', ['show', '-f', file]],
    ] as const) {
      const { env, read } = reporting(name);
      const result = await runCli(args, { cwd: folder, env });
      assert.equal(result.code, 0, result.stderr);
      const loaded = await read();
      assert.deepEqual(loadedOf(loaded, NETWORK), [], name);
      assert.deepEqual(loaded.vendor, [], name);
    }
  });

  test('the wizard up to its first question: no network module and no vendor file (not even the time-zone library)', async () => {
    const { env, read } = reporting('wizard');
    const run = spawnCli(['-f', join(folder, 'new.properties')], { cwd: folder, env });
    try {
      await run.waitFor('Outbound e-mail protocol');
      run.press('ctrl-c');
      assert.equal(await run.exit(), 130);
    } finally {
      run.kill();
    }
    const loaded = await read();
    assert.deepEqual(loadedOf(loaded, NETWORK), []);
    assert.deepEqual(loaded.vendor, []);
  });

  test('check with STARTTLS: TLS, but no HTTP client, compression or vendor file', async () => {
    const server = await startSmtpServer({ mode: 'starttls' });
    try {
      const file = join(folder, 'starttls.properties');
      await writeFile(
        file,
        settingsFile(server.port, {
          // A name the test certificate holds, as a mail host is usually given.
          'mail.smtp.host': 'localhost',
          'mail.smtp.auth': 'true',
          'mail.smtp.user': TEST_USER,
          'mail.smtp.password': TEST_PASSWORD,
          'mail.smtp.starttls.enable': 'true',
        }),
      );
      const caFile = join(folder, 'ca.pem');
      await writeFile(caFile, server.caPem);
      const { env, read } = reporting('check');
      const result = await runCli(['check', '-f', file, '--ca-file', caFile], { cwd: folder, env });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const loaded = await read();
      assert.deepEqual(loadedOf(loaded, ['tls', 'dns']), ['tls', 'dns']);
      assert.deepEqual(loadedOf(loaded, ['http', 'https', 'zlib', 'child_process']), []);
      assert.deepEqual(loaded.vendor, []);
    } finally {
      await server.close();
    }
  });
});
