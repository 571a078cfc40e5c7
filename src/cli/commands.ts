/**
 * The commands behind the command line: gather the answers given in advance, run the wizard or
 * `check` / `show`, and turn every error into one clear message and its exit code.
 */
import { answersFileContent, howToAnswer, PASSWORD_ENV, presetAnswers, type PresetAnswers } from './answers.ts';
import { AnswersError, CancelledError, CliError, EXIT, ProbeFailedError, UsageError, WriteFileError } from '../errors.ts';
import { diskFileAccess } from '../wizard/file-access.ts';
import { createOutput, type Output } from '../output.ts';
import { inquirerPrompter } from '../wizard/prompter.ts';
import type { CheckInvocation, Invocation, ProbeFlags, ShowInvocation, WizardInvocation } from './invocation.ts';
import { check, passwordSchema } from '../settings/schemas.ts';
import { loadOutboundSettings, settingsFilesWritten, settingsWritesUnderWay } from '../settings/settings-file.ts';
import { fileErrorReason, INPUT_LIMIT, readBoundedFile, writeSmallFile } from '../settings/safe-file.ts';
import { MASKED_PASSWORD, sendsPasswordInClear, type MailSettings } from '../settings/settings.ts';
import { summarySheet } from '../wizard/summary-sheet.ts';
import type { ProbeSetup } from '../wizard/probe-step.ts';
import { runWizard, type WizardCapabilities, type WizardResult } from '../wizard/wizard.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The password, from exactly one source that never shows in the process list. */
async function presetPassword(given: WizardInvocation['password'], interactive: boolean, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // An empty variable (`TEAMING_MAIL_PASSWORD=` left in a script) is no password source.
  const fromEnv = env[PASSWORD_ENV] === '' ? undefined : env[PASSWORD_ENV];
  const sources = [given.file !== undefined && '--password-file', given.stdin && '--password-stdin', fromEnv !== undefined && PASSWORD_ENV].filter(Boolean);
  if (sources.length > 1) throw new UsageError(`give the password one way only, not with ${sources.join(' and ')}`);
  let password: string | undefined;
  if (given.file !== undefined) {
    // Its name is never shown: a slip (`--password-file S3cret`) would put the password on screen.
    const text = await readInput(given.file, { allowPipe: true }).catch((error: unknown) => {
      throw new AnswersError([`--password-file: the file cannot be read: it ${fileErrorReason(error)}`]);
    });
    // The first line exactly as typed: only a byte-order mark (Windows editors) and the line end go.
    password = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)[0]!;
  } else if (given.stdin) {
    if (interactive || process.stdin.isTTY) {
      throw new UsageError(
        '--password-stdin needs --non-interactive and the password piped in: printf %s "$PASSWORD" | teaming-mail-setup --password-stdin --non-interactive …',
      );
    }
    password = (await readStdin()).replace(/\r?\n$/, '');
  } else if (fromEnv !== undefined) {
    password = fromEnv;
  }
  if (password === undefined) return undefined;
  const result = check(passwordSchema, password);
  if (!result.ok) throw new AnswersError([`${sources[0]}: ${result.message}`]);
  return result.value;
}

/** A file named on the command line, as text: at most INPUT_LIMIT bytes, never a FIFO (but a pipe where `allowPipe`) or a device. */
async function readInput(path: string, options: { allowPipe?: boolean } = {}): Promise<string> {
  const bytes = await readBoundedFile(path, { limit: INPUT_LIMIT, ...options });
  if (bytes === undefined) throw Object.assign(new Error('does not exist'), { code: 'ENOENT' });
  return bytes.toString('utf8');
}

async function readAnswersFile(path: string): Promise<{ name: string; content: unknown }> {
  const text = await readInput(path).catch((error: unknown) => {
    throw new UsageError(`--answers: cannot read ${path}: it ${fileErrorReason(error)}`);
  });
  try {
    // A byte-order mark, as some Windows editors save it, is no reason to refuse the file.
    return { name: path, content: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    throw new UsageError(`--answers: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Flags, the answers file and the password source, validated together. An interactive run stops
 * before its first question if any is invalid; an unattended run reports them with the missing ones.
 */
async function gatherPreset(invocation: WizardInvocation): Promise<PresetAnswers> {
  const { interactive } = invocation;
  const file = invocation.answersFile !== undefined ? await readAnswersFile(invocation.answersFile) : undefined;
  const preset = presetAnswers(invocation.answers, file);
  preset.problems.unshift(...invocation.problems);
  try {
    const password = await presetPassword(invocation.password, interactive, process.env);
    if (password !== undefined) preset.settings.password = password;
  } catch (error) {
    if (error instanceof AnswersError) preset.problems.push(...error.problems);
    else throw error;
  }
  if (interactive && preset.problems.length > 0) throw new AnswersError(preset.problems);
  return preset;
}

async function readCaFile(path: string): Promise<string> {
  const pem = await readInput(path).catch((error: unknown) => {
    throw new UsageError(`--ca-file: cannot read ${path}: it ${fileErrorReason(error)}`);
  });
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--ca-file: ${path} holds no PEM certificate (a "-----BEGIN CERTIFICATE-----" block)`);
  }
  return pem;
}

/** How to check the server; a bad --ca-file is refused before the first question, and read once. */
async function probeSetup(flags: ProbeFlags): Promise<ProbeSetup> {
  return {
    timeoutMs: flags.timeoutMs,
    ca: flags.caFile !== undefined ? await readCaFile(flags.caFile) : undefined,
    acceptCertificateSha256: flags.acceptCertificate,
    testRecipient: flags.testRecipient,
    allowPlaintextAuth: flags.allowPlaintextAuth,
  };
}

/** The probe capabilities of a run (none with --no-probe); the probe's code loads at the first check, not before the first question. */
async function probeCapabilities(flags: ProbeFlags | undefined): Promise<Pick<WizardCapabilities, 'probe' | 'sendTestMessage'>> {
  if (!flags) return {};
  const setup = await probeSetup(flags);
  const step = () => import('../wizard/probe-step.ts');
  return {
    probe: async (settings, out, run) => (await step()).createProbe(setup)(settings, out, run),
    // Offered at the end when no --test-recipient was given.
    sendTestMessage: setup.testRecipient
      ? undefined
      : async (settings, recipient, out, run) => (await step()).sendTestMessage(setup, settings, recipient, out, run),
  };
}

async function wizard(invocation: WizardInvocation, out: Output): Promise<WizardResult> {
  const { interactive } = invocation;
  // A refused flag is a usage error before anything else, as commander's own; unattended, it is listed with the rest.
  if (interactive && invocation.problems.length > 0) throw new AnswersError(invocation.problems);
  if (interactive && !process.stdin.isTTY) {
    throw new UsageError(
      'no terminal to ask the questions on: to run unattended, add --non-interactive and give the answers as flags or with --answers FILE (see --help)',
    );
  }
  const { settings: preset, problems, rejected } = await gatherPreset(invocation);
  const result = await runWizard(
    {
      file: invocation.file,
      reconfigure: invocation.reconfigure,
      interactive,
      force: invocation.force,
      dryRun: invocation.dryRun,
      allowPlaintextAuth: invocation.probe?.allowPlaintextAuth === true,
      preset,
      rejected: { problems, settings: rejected },
      howToAnswer,
    },
    {
      prompt: inquirerPrompter({ output: invocation.json ? process.stderr : process.stdout }),
      out,
      now: () => new Date(),
      files: diskFileAccess,
      ...(await probeCapabilities(invocation.probe)),
    },
  );
  const path = invocation.writeAnswers;
  if (path !== undefined && result.result === 'dry-run') {
    out.line(`The answers would be saved to ${path} (dry run: not written).`);
  } else if (path !== undefined) {
    // 0600: it names the server and the account, and is meant to travel to other servers.
    await writeSmallFile(path, `${JSON.stringify(answersFileContent(result.settings), null, 2)}\n`, 0o600).catch((error: unknown) => {
      const settings = result.result === 'written' ? `; ${result.file} was written` : '';
      throw new WriteFileError(`--write-answers: cannot write ${path}: it ${fileErrorReason(error)}${settings}`);
    });
    out.success(`Saved the answers to ${path} (without the password).`);
  }
  return result;
}

function maskedSettings(settings: Partial<MailSettings>): Partial<MailSettings> {
  return settings.password ? { ...settings, password: MASKED_PASSWORD } : settings;
}

async function show({ file, json }: ShowInvocation, out: Output): Promise<unknown> {
  const settings = await loadOutboundSettings(file);
  if (!json) {
    for (const line of summarySheet(settings, out.style, `Outbound e-mail in ${file}`)) out.line(line);
  }
  return { file, settings: maskedSettings(settings), passwordUnencrypted: sendsPasswordInClear(settings) };
}

/** What a cancel says: nothing was written, unless a settings file had been already (then: which). */
function cancelledMessage(): string {
  const written = settingsFilesWritten();
  return written.length > 0 ? `Cancelled — ${written.join(', ')} had already been written.` : new CancelledError().message;
}

/** Turn any error into its message(s) and exit code. */
function exitCodeFor(error: unknown, out: Output, json: boolean): number {
  const failure = (exitCode: number, messages: string[]) => {
    for (const message of messages) out.error(message);
    // A failed check's report goes with it: scripts need its failure kind, not only the sentence.
    const probe = error instanceof ProbeFailedError && error.report !== undefined ? { probe: error.report } : {};
    if (json) out.json({ result: 'error', exitCode, errors: messages, ...probe });
    return exitCode;
  };
  if ((error as Error | undefined)?.name === 'ExitPromptError') error = new CancelledError();
  if (error instanceof CancelledError) {
    out.line(cancelledMessage());
    if (json) out.json({ result: 'cancelled', exitCode: error.exitCode });
    return error.exitCode;
  }
  if (error instanceof AnswersError) return failure(error.exitCode, error.problems);
  if (error instanceof CliError) return failure(error.exitCode, [error.message]);
  const detail = process.env.DEBUG ? ((error as Error)?.stack ?? String(error)) : String((error as Error)?.message ?? error);
  return failure(EXIT.internal, [`internal error: ${detail} (please report this; rerun with DEBUG=1 for details)`]);
}

/**
 * Ctrl+C or a termination request outside a question: stop. A settings file being written is
 * finished first (never a half state, never a lock left behind), and the message says so.
 */
function exitOnSignals(out: Output, json: boolean, exit: (code: number) => never): void {
  let stopping = false;
  const stop = (code: number) => async () => {
    if (stopping) return;
    stopping = true;
    // A write takes milliseconds (no open can block: safe-file.ts); whatever holds it, the process ends within 2 s.
    await Promise.race([Promise.all(settingsWritesUnderWay().map(({ written }) => written)), new Promise((resolve) => setTimeout(resolve, 1500))]);
    out.line(`\n${cancelledMessage()}`);
    if (json) out.json({ result: 'cancelled', exitCode: code });
    exit(code);
  };
  process.on('SIGINT', stop(EXIT.cancelled));
  process.on('SIGTERM', stop(143));
  // The terminal closed (an SSH session dropped): same as a cancel, 128 + SIGHUP.
  process.on('SIGHUP', stop(129));
}

/** Options that only matter to the check, given with --no-probe: say so rather than ignore them. */
function warnUnusedProbeOptions(unused: readonly string[], out: Output): void {
  if (unused.length > 0) out.warn(`${unused.join(', ')} ${unused.length === 1 ? 'has' : 'have'} no effect with --no-probe: the mail server is not checked`);
}

/** `check`: what the flags refused stops it before the check. */
async function checkCommand(invocation: CheckInvocation, out: Output): Promise<number> {
  if (invocation.problems.length > 0) throw new AnswersError(invocation.problems);
  const { runCheck } = await import('../wizard/probe-step.ts');
  return runCheck(invocation, await probeSetup(invocation.probe), out);
}

/** Runs one command; `exit` ends the process at once (on a signal), which only the entry point does. */
export async function runCommand(invocation: Invocation, exit: (code: number) => never): Promise<number> {
  const { json } = invocation;
  const out = createOutput({ json });
  exitOnSignals(out, json, exit);
  try {
    if (invocation.command === 'wizard') {
      warnUnusedProbeOptions(invocation.unusedProbeFlags, out);
      const result = await wizard(invocation, out);
      if (json) out.json({ ...result, settings: maskedSettings(result.settings), probe: result.probe ?? null, exitCode: EXIT.ok });
      return EXIT.ok;
    }
    if (invocation.problems.length > 0) throw new AnswersError(invocation.problems);
    if (invocation.command === 'show') {
      const result = await show(invocation, out);
      if (json) out.json(result);
      return EXIT.ok;
    }
    if (invocation.command === 'check') return await checkCommand(invocation, out);
    const { runDemo } = await import('../demo/demo.ts');
    return await runDemo(out, howToAnswer);
  } catch (error) {
    return exitCodeFor(error, out, json);
  }
}
