/**
 * The commands behind the command line: gather the answers given in advance, run the wizard or
 * `check` / `show`, and turn every error into one clear message and its exit code.
 */
import { answersFileContent, COMMAND_LINE_WORDS, PASSWORD_ENV, presetAnswers, type PresetAnswers } from './answers.ts';
import { AnswersError, CancelledError, CliError, EXIT, errorDocument, errorLines, ProbeFailedError, UsageError, WriteFileError } from '../errors.ts';
import { diskFileAccess } from '../wizard/file-access.ts';
import { createOutput, type Output } from '../output.ts';
import { inquirerPrompter } from '../wizard/prompter.ts';
import type { CheckInvocation, Invocation, ProbeFlags, ShowInvocation, WizardInvocation } from './invocation.ts';
import { check, passwordSchema } from '../settings/schemas.ts';
import { fileGaps } from '../settings/javamail-safety.ts';
import { closeServiceNames, findService, type MailService } from '../settings/mail-services.ts';
import { loadStoredOutbound, settingsFilesWritten, settingsWritesUnderWay } from '../settings/settings-file.ts';
import { fileErrorReason, INPUT_LIMIT, readBoundedFile, writeSmallFile } from '../settings/safe-file.ts';
import { MASKED_PASSWORD, sendsPasswordInClear, type MailSettings } from '../settings/settings.ts';
import { timeZoneAlias } from '../settings/time-zone-names.ts';
import { summarySheet } from '../wizard/summary-sheet.ts';
import type { ProbeSetup } from '../wizard/probe-step.ts';
import { savedTrust, savedTrustWords, type CertificateTrust } from '../wizard/saved-trust.ts';
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
      throw new UsageError('--password-stdin needs --non-interactive and the password piped in', {
        fix: 'printf %s "$PASSWORD" | teaming-mail-setup --password-stdin --non-interactive …',
      });
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

/**
 * Where JSON.parse stopped, as line and column, and its words without the offset: "2:3: expected
 * double-quoted property name". Node gives only a character offset, or none at the end of input.
 */
function jsonProblem(text: string, error: Error): string {
  const offset = /at position (\d+)/.exec(error.message);
  const words = error.message.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/^\w/, (letter) => letter.toLowerCase());
  const at = offset ? Number(offset[1]) : text.length;
  const before = text.slice(0, at).split(/\r\n|\n|\r/);
  return `${before.length}:${before.at(-1)!.length + 1}: ${words}`;
}

async function readAnswersFile(path: string): Promise<{ name: string; content: unknown }> {
  const text = await readInput(path).catch((error: unknown) => {
    throw new UsageError(`--answers: cannot read ${path}`, { detail: `it ${fileErrorReason(error)}` });
  });
  // A byte-order mark, as some Windows editors save it, is no reason to refuse the file.
  const json = text.replace(/^\uFEFF/, '');
  try {
    return { name: path, content: JSON.parse(json) };
  } catch (error) {
    throw new UsageError(`--answers: ${path}:${jsonProblem(json, error as Error)} (not valid JSON)`);
  }
}

/** The service --service names; an unknown name is a usage error that lists the close ones. */
async function namedService(name: string | undefined): Promise<MailService | undefined> {
  if (name === undefined) return undefined;
  const service = await findService(name);
  if (service) return service;
  const close = await closeServiceNames(name);
  throw new UsageError(`--service: no mail service is named "${name}"`, {
    fix:
      close.length > 0
        ? `did you mean ${close.join(', ')}?`
        : "give one of nodemailer's well-known service names, such as Outlook365, Outlook365-Connector, Gmail, GmailWorkspace, SES-EU-WEST-1, SendGrid, Mailgun, Mailgun-EU, Postmark or SendinBlue",
  });
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
    throw new UsageError(`--ca-file: cannot read ${path}`, { detail: `it ${fileErrorReason(error)}` });
  });
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--ca-file: ${path} holds no PEM certificate (a "-----BEGIN CERTIFICATE-----" block)`);
  }
  return pem;
}

/**
 * The certificate trust of the flags, read once (a bad --ca-file is refused before the first
 * question); without one, the trust saved beside the settings file (saved-trust.ts).
 */
async function certificateTrust(flags: ProbeFlags, file: string): Promise<CertificateTrust | undefined> {
  if (flags.caFile !== undefined) return { ca: await readCaFile(flags.caFile), origin: 'flag', file: flags.caFile };
  if (flags.acceptCertificate !== undefined) return { acceptCertificateSha256: flags.acceptCertificate, origin: 'flag' };
  return savedTrust(file);
}

/** How to check the server. */
async function probeSetup(flags: ProbeFlags, file: string): Promise<ProbeSetup> {
  return {
    timeoutMs: flags.timeoutMs,
    trust: await certificateTrust(flags, file),
    testRecipient: flags.testRecipient,
    allowPlaintextAuth: flags.allowPlaintextAuth,
  };
}

/** The probe capabilities of a run (none with --no-probe); the probe's code loads at the first check, not before the first question. */
async function probeCapabilities(flags: ProbeFlags | undefined, file: string): Promise<Pick<WizardCapabilities, 'probe' | 'sendTestMessage'>> {
  if (!flags) return {};
  const setup = await probeSetup(flags, file);
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
    throw new UsageError('no terminal to ask the questions on', {
      fix: 'to run unattended, add --non-interactive and give the answers as flags or with --answers FILE (see --help)',
    });
  }
  const service = await namedService(invocation.service);
  const { settings: preset, problems, rejected } = await gatherPreset(invocation);
  // A time zone given by another name is written as the zone it stands for: said, never silently.
  const alias = typeof invocation.answers.timeZone === 'string' ? timeZoneAlias(invocation.answers.timeZone) : undefined;
  if (alias) out.help(`--time-zone ${alias.name} is another name for ${alias.zone}; ${alias.zone} is written.`);
  const result = await runWizard(
    {
      file: invocation.file,
      reconfigure: invocation.reconfigure,
      interactive,
      force: invocation.force,
      dryRun: invocation.dryRun,
      allowPlaintextAuth: invocation.allowPlaintextAuth,
      preset,
      service,
      rejected: { problems, settings: rejected },
      commandLine: COMMAND_LINE_WORDS,
    },
    {
      prompt: inquirerPrompter({ output: invocation.json ? process.stderr : process.stdout }),
      out,
      now: () => new Date(),
      files: diskFileAccess,
      ...(await probeCapabilities(invocation.probe, invocation.file)),
    },
  );
  const path = invocation.writeAnswers;
  if (path !== undefined && result.result === 'dry-run') {
    out.line(`The answers would be saved to ${path} (dry run: not written).`);
  } else if (path !== undefined) {
    // 0600: it names the server and the account, and is meant to travel to other servers.
    await writeSmallFile(path, `${JSON.stringify(answersFileContent(result.settings), null, 2)}\n`, 0o600).catch((error: unknown) => {
      const settings = result.result === 'written' ? `; ${result.file} was written` : '';
      throw new WriteFileError(`--write-answers: cannot write ${path}`, { detail: `it ${fileErrorReason(error)}${settings}` });
    });
    out.success(`Saved the answers to ${path} (without the password).`);
  }
  return result;
}

function maskedSettings(settings: Partial<MailSettings>): Partial<MailSettings> {
  return settings.password ? { ...settings, password: MASKED_PASSWORD } : settings;
}

async function show({ file, json }: ShowInvocation, out: Output): Promise<unknown> {
  const { settings, javaMail } = await loadStoredOutbound(file);
  const gaps = fileGaps(settings, javaMail, COMMAND_LINE_WORDS.reconfigure(file));
  const trust = await savedTrust(file);
  if (!json) {
    for (const line of summarySheet(settings, out.style, `Outbound e-mail in ${file}`)) out.line(line);
    if (trust) out.line(`The check trusts the server's certificate through ${savedTrustWords(trust)}.`);
    for (const line of gaps) out.warn(line);
  }
  const savedCertificateTrust = trust
    ? { file: trust.file, ...(trust.ca !== undefined ? { kind: 'ca' } : { kind: 'certificate', sha256: trust.acceptCertificateSha256 }) }
    : null;
  return {
    file,
    settings: maskedSettings(settings),
    passwordUnencrypted: sendsPasswordInClear(settings),
    certificateTrust: savedCertificateTrust,
    ...(gaps.length > 0 ? { warnings: gaps } : {}),
  };
}

/** What a cancel says: nothing was written, unless a settings file had been already (then: which). */
function cancelledMessage(): string {
  const written = settingsFilesWritten();
  return written.length > 0 ? `Cancelled — ${written.join(', ')} had already been written.` : new CancelledError().message;
}

/** Turn any error into its message(s) and exit code. */
function exitCodeFor(error: unknown, out: Output, json: boolean): number {
  if (error instanceof CancelledError) {
    out.line(cancelledMessage());
    if (json) out.json({ result: 'cancelled', exitCode: error.exitCode });
    return error.exitCode;
  }
  const failure =
    error instanceof CliError
      ? error
      : new CliError('internal error', EXIT.internal, {
          detail: process.env.DEBUG ? ((error as Error)?.stack ?? String(error)) : String((error as Error)?.message ?? error),
          fix: 'please report this; rerun with DEBUG=1 for details',
        });
  for (const line of errorLines(failure)) out.error(line);
  // A failed check's report goes with it: scripts need its failure kind, not only the sentence.
  if (json) out.json(errorDocument(failure, failure instanceof ProbeFailedError && failure.report !== undefined ? { probe: failure.report } : {}));
  return failure.exitCode;
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
  process.on('SIGTERM', stop(EXIT.terminated));
  // The terminal closed (an SSH session dropped): same as a cancel.
  process.on('SIGHUP', stop(EXIT.hangUp));
}

/** Options that only matter to the check, given with --no-probe: say so rather than ignore them. */
function warnUnusedProbeOptions(unused: readonly string[], out: Output): void {
  if (unused.length > 0) out.warn(`${unused.join(', ')} ${unused.length === 1 ? 'has' : 'have'} no effect with --no-probe: the mail server is not checked`);
}

/** `check`: what the flags refused stops it before the check. */
async function checkCommand(invocation: CheckInvocation, out: Output): Promise<number> {
  if (invocation.problems.length > 0) throw new AnswersError(invocation.problems);
  // The probe's code loads while the CA and the settings file are read; their errors come in that order.
  const step = import('../wizard/probe-step.ts');
  const setup = probeSetup(invocation.probe, invocation.file);
  const stored = loadStoredOutbound(invocation.file);
  for (const work of [step, setup, stored]) work.catch(() => {}); // each is awaited below
  return (await step).runCheck(invocation, await setup, await stored, out, COMMAND_LINE_WORDS.reconfigure(invocation.file));
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
    return await runDemo(out, COMMAND_LINE_WORDS);
  } catch (error) {
    return exitCodeFor(error, out, json);
  }
}
