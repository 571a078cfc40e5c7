/**
 * Layer src/demo/: the `demo` command and its embedded server. It may import wizard, probe,
 * settings and the leaf modules; only cli/ imports it.
 *
 * `demo`: the real wizard, probe and file writing against an embedded mail server on 127.0.0.1,
 * writing into a fresh temporary folder. Only the server is embedded; the code path is a real run's.
 */
import { rmdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoServer } from './demo-server.ts';
import { EXIT, UsageError } from '../errors.ts';
import { diskFileAccess } from '../wizard/file-access.ts';
import type { Output } from '../output.ts';
import { createProbe } from '../wizard/probe-step.ts';
import { inquirerPrompter } from '../wizard/prompter.ts';
import { runWizard, type WizardOptions } from '../wizard/wizard.ts';

const DEMO_RECIPIENT = 'administrator@demo.test';

/** `commandLine`: the command line's words for the wizard's messages that name a flag. */
export async function runDemo(out: Output, commandLine: WizardOptions['commandLine']): Promise<number> {
  if (!process.stdin.isTTY) throw new UsageError('demo runs the interactive wizard: start it in a terminal');
  const server = await startDemoServer();
  let folder: string | undefined;
  // Ctrl+C outside a question ends the process (cli/commands.ts): the folder goes too if nothing was written in it.
  const onExit = () => {
    try {
      if (folder) rmdirSync(folder);
    } catch {
      // Not empty: something was written there, and the message said where.
    }
  };
  process.once('exit', onExit);
  try {
    folder = await mkdtemp(join(tmpdir(), 'teaming-mail-setup-demo-'));
    const file = join(folder, 'installer.properties');
    out.heading('teaming-mail-setup demo');
    out.line(`A demo mail server is listening on ${server.host}:${server.port} (STARTTLS, self-signed certificate, AUTH).`);
    out.line(`  user name  ${server.username}`);
    out.line(`  password   ${server.password}   (a throw-away password for this demo only)`);
    out.line(`The wizard writes ${file}; its answers default to the demo server. Press Enter to accept them.`);
    out.line();
    const result = await runWizard(
      {
        file,
        reconfigure: false,
        interactive: true,
        force: false,
        dryRun: false,
        preset: {},
        commandLine,
        defaults: {
          protocol: 'smtp',
          // The name its certificate holds, not the address it listens on: Teaming's JavaMail checks a name only.
          host: 'localhost',
          port: server.port,
          starttls: true,
          auth: true,
          username: server.username,
          password: server.password,
        },
      },
      {
        prompt: inquirerPrompter(),
        out,
        now: () => new Date(),
        files: diskFileAccess,
        probe: createProbe({ timeoutMs: 10_000, trust: { ca: server.certificatePem, origin: 'demo' }, testRecipient: DEMO_RECIPIENT }),
      },
    );
    out.line();
    for (const message of server.messages) {
      out.heading(`The demo server received a message for ${message.to.join(', ')}:`);
      out.line(message.raw.trimEnd().replace(/\r\n/g, '\n'));
      out.line();
    }
    if (result.result === 'written') out.line(`The settings are in ${file}.`);
    process.off('exit', onExit);
    return EXIT.ok;
  } catch (error) {
    // Cancelled (or failed) before anything was written: leave no empty folder behind.
    if (folder) await rm(folder, { recursive: true, force: true });
    throw error;
  } finally {
    await server.close();
  }
}
