/**
 * The wizard: ask everything first (or take it from flags), then probe, then show the summary
 * sheet and write. Interactive and unattended runs share this one path; only where the answers
 * come from differs.
 */
import { AnswersError, CancelledError, ProbeFailedError, UsageError, WriteFileError } from './errors.ts';
import type { Output } from './output.ts';
import type { Prompter } from './prompter.ts';
import { completeSettings, DEFAULT_PORT, PLAINTEXT_WARNING, sendsPasswordInClear, SETTING_LABELS, type MailSettings } from './settings.ts';
import { mkdir } from 'node:fs/promises';
import { fileChanges } from './file-changes.ts';
import {
  checkTarget,
  loadSettingsFile,
  missingFolder,
  missingFolderError,
  previewSettingsFile,
  renderSettingsFile,
  storedByProtocol,
  writeSettingsFile,
  type LoadedSettingsFile,
} from './settings-file.ts';
import { formatFor } from './settings-format.ts';
import { ANSWER_FIELDS, PASSWORD_SOURCES } from './answers.ts';
import { offerCertificateName } from './certificate-names.ts';
import { changeLines, displayValue, settingChanges, summarySheet, type SettingChange } from './summary-sheet.ts';
import { javaHomeFor, saveCertificate, teamingJava, teamingJavaLines, trustCommandLines, type TeamingJava, type TrustNeed } from './teaming-java.ts';
import type { QuestionId, StepContext } from './steps/context.ts';
import { QUESTIONS } from './steps/index.ts';

/** What the probe step needs from a probe: a verdict, and on failure the question to revisit. */
export interface ProbeVerdict {
  ok: boolean;
  /** A JSON-safe report (never the password). */
  report: unknown;
  failure?: { kind?: string; question?: QuestionId; suggestion?: Partial<MailSettings>; message: string; advice: string };
  /** The check trusted the certificate for a reason Teaming's JVM does not share (--ca-file, a fingerprint…). */
  trust?: TrustNeed;
}

/** What the administrator decided for this run only (never stored). */
export interface ProbeRunOptions {
  /** The password may cross a connection without TLS: --allow-plaintext-auth, or the choice after a refused check. */
  allowPlaintextAuth: boolean;
}

export type ProbeCapability = (settings: MailSettings, out: Output, run: ProbeRunOptions) => Promise<ProbeVerdict>;

export interface WizardOptions {
  file: string;
  reconfigure: boolean;
  interactive: boolean;
  force: boolean;
  dryRun: boolean;
  /** --allow-plaintext-auth: the check may send the password without TLS. */
  allowPlaintextAuth?: boolean;
  /** Answers given in advance (flags, answers file, password sources). */
  preset: Partial<MailSettings>;
  /** Defaults for a new configuration (the demo's server); reconfiguring uses the file's values. */
  defaults?: Partial<MailSettings>;
  /** Unattended: invalid answers given in advance, reported together with the missing ones. */
  rejected?: { problems: string[]; settings: readonly (keyof MailSettings)[] };
}

export interface WizardCapabilities {
  prompt: Prompter;
  out: Output;
  now: () => Date;
  /** undefined: --no-probe. */
  probe?: ProbeCapability;
  /** Offered after writing when the check ran and no test recipient was given. */
  sendTestMessage?: (settings: MailSettings, recipient: string, out: Output, run: ProbeRunOptions) => Promise<boolean>;
}

export type WizardResult = {
  result: 'written' | 'unchanged' | 'dry-run';
  file: string;
  backup?: string;
  changes: SettingChange[];
  settings: MailSettings;
  probe?: unknown;
  /** The bytes the file holds (or would hold), password masked; for --dry-run. */
  preview?: string;
  /** What Teaming's Java needs besides the file (name check, trust store). */
  teamingJava: TeamingJava;
  /** Teaming will send the password without TLS with these settings (SMTP, no STARTTLS, authentication on). */
  passwordUnencrypted: boolean;
};

/** Shown instead of the password wherever the file's text is printed. */
export const PASSWORD_PLACEHOLDER = '******';

function flagFor(id: QuestionId): string {
  const field = ANSWER_FIELDS.find((candidate) => candidate.setting === id);
  return field ? `${field.flag} (answers file: "${field.key}")` : PASSWORD_SOURCES;
}

/**
 * Answers that depend on another: when that one changes on a second visit, they are asked again
 * with fresh defaults (587 is no SMTPS port; moving to 587 suggests STARTTLS).
 */
const DEPENDENTS: Partial<Record<QuestionId, QuestionId[]>> = { protocol: ['port'], port: ['starttls'] };

/** Fill the draft in the installer's order: a preset answer, else the question (or its default when unattended). */
async function answerQuestions(ctx: StepContext, options: WizardOptions, only?: QuestionId): Promise<void> {
  const missing: string[] = [];
  const again = new Set<QuestionId>(only ? [only] : []);
  for (const question of QUESTIONS) {
    if (!question.applies(ctx.draft)) {
      delete ctx.draft[question.id];
      continue;
    }
    const preset = options.preset[question.id];
    const revisit = again.has(question.id);
    if (!revisit && ctx.draft[question.id] !== undefined) continue;
    if (preset !== undefined && !revisit) {
      (ctx.draft as Record<string, unknown>)[question.id] = preset;
      continue;
    }
    // A question asked again ("Change one answer", or after a failed check) offers the current answer.
    const current = revisit ? ctx.draft[question.id] : undefined;
    const defaultValue = current ?? question.defaultValue(ctx.draft, storedFor(ctx));
    if (!options.interactive) {
      if (defaultValue === undefined && options.rejected?.settings.includes(question.id)) continue;
      if (defaultValue === undefined) missing.push(`missing ${SETTING_LABELS[question.id].toLowerCase()}: give ${flagFor(question.id)}`);
      else (ctx.draft as Record<string, unknown>)[question.id] = defaultValue;
      continue;
    }
    const answer = await question.ask(ctx as never, defaultValue as never);
    if (revisit && answer !== current) {
      for (const dependent of DEPENDENTS[question.id] ?? []) {
        delete ctx.draft[dependent];
        again.add(dependent);
      }
    }
    (ctx.draft as Record<string, unknown>)[question.id] = answer;
  }
  const problems = [...(options.rejected?.problems ?? []), ...missing];
  if (problems.length > 0) throw new AnswersError(problems);
}

/** The stored values the questions offer: those of the protocol chosen so far (see storedByProtocol). */
function storedFor(ctx: StepContext): Partial<MailSettings> {
  return (ctx.draft.protocol && ctx.storedByProtocol?.[ctx.draft.protocol]) || ctx.stored;
}

/** The draft as settings; the connection timeout is not asked, so it comes from a flag or the file. */
function draftSettings(draft: Partial<MailSettings>, options: WizardOptions, stored: Partial<MailSettings>): MailSettings {
  return completeSettings({
    ...draft,
    host: draft.host!,
    timeZone: draft.timeZone!,
    connectionTimeoutMs: options.preset.connectionTimeoutMs ?? stored.connectionTimeoutMs,
  });
}

/** An existing file with outbound settings is never silently replaced. */
async function chooseMode(loaded: LoadedSettingsFile, options: WizardOptions, caps: WizardCapabilities): Promise<boolean> {
  if (options.reconfigure) {
    if (!loaded.stored.hasOutbound) caps.out.warn(`${loaded.path} holds no outbound e-mail settings yet; starting a new configuration.`);
    return loaded.stored.hasOutbound;
  }
  if (!loaded.stored.hasOutbound) return false;
  if (!options.interactive) {
    if (options.force) return false;
    throw new UsageError(
      `${loaded.path} already holds outbound e-mail settings: add --reconfigure to change them, or --force to replace them`,
    );
  }
  const choice = await caps.prompt.select<'reconfigure' | 'replace' | 'cancel'>({
    message: `${loaded.path} already holds outbound e-mail settings. What now?`,
    choices: [
      { value: 'reconfigure', name: 'Reconfigure them (the current values become the defaults)', short: 'Reconfigure' },
      { value: 'replace', name: 'Replace them with new answers (other keys in the file are kept)', short: 'Replace' },
      { value: 'cancel', name: 'Cancel' },
    ],
  });
  if (choice === 'cancel') throw new CancelledError();
  return choice === 'reconfigure';
}

/**
 * The check refused to send the password without TLS: encrypt, or send it in clear on purpose
 * (never the default), or stop. 'again' when the draft changed or sending in clear was allowed.
 */
async function plaintextAuthChoice(ctx: StepContext, run: ProbeRunOptions): Promise<void> {
  const next = await ctx.prompt.select<'starttls' | 'smtps' | 'plaintext' | 'cancel'>({
    message: 'The password would cross the network unencrypted. What now?',
    choices: [
      { value: 'starttls', name: 'Turn STARTTLS on' },
      { value: 'smtps', name: 'Choose SMTPS (TLS from the first byte, port 465)' },
      { value: 'plaintext', name: 'Send the password unencrypted anyway (only on a network path you trust)', short: 'Send it unencrypted' },
      { value: 'cancel', name: 'Cancel' },
    ],
    default: 'starttls',
  });
  if (next === 'cancel') throw new CancelledError();
  if (next === 'starttls') Object.assign(ctx.draft, { starttls: true });
  if (next === 'smtps') Object.assign(ctx.draft, { protocol: 'smtps', port: DEFAULT_PORT.smtps, starttls: false });
  if (next === 'plaintext') run.allowPlaintextAuth = true;
}

/** Probe until it passes or the administrator decides; returns the last report and whether the check passed. */
async function probeStep(
  ctx: StepContext,
  options: WizardOptions,
  caps: WizardCapabilities,
  run: ProbeRunOptions,
): Promise<{ settings: MailSettings; report?: unknown; passed: boolean; trust?: TrustNeed }> {
  for (;;) {
    const settings = draftSettings(ctx.draft, options, storedFor(ctx));
    if (!caps.probe) return { settings, passed: false };
    const verdict = await caps.probe(settings, caps.out, run);
    if (verdict.ok) return { settings, report: verdict.report, passed: true, trust: verdict.trust };
    const failure = verdict.failure;
    if (options.interactive && failure?.kind === 'auth-plaintext') {
      await plaintextAuthChoice(ctx, run);
      continue;
    }
    if (!options.interactive) {
      if (options.force) {
        caps.out.warn('The mail server check failed; writing anyway because of --force.');
        return { settings, report: verdict.report, passed: false, trust: verdict.trust };
      }
      throw new ProbeFailedError(
        `the mail server check failed${failure ? `: ${failure.message} — ${failure.advice}` : ''}; nothing was written (use --no-probe or --force to write anyway)`,
        verdict.report,
      );
    }
    type Next = 'suggestion' | 'change' | 'host' | 'retry' | 'save' | 'cancel';
    const suggestion = failure?.suggestion;
    const choices: { value: Next; name: string }[] = [
      ...(suggestion ? [{ value: 'suggestion' as Next, name: `Use the working settings (${describeSuggestion(suggestion)})` }] : []),
      ...(failure?.question ? [{ value: 'change' as Next, name: `Change the ${SETTING_LABELS[failure.question].toLowerCase()}` }] : []),
      // A connection that failed on the port may as well be the wrong server.
      ...(failure?.question === 'port' ? [{ value: 'host' as Next, name: 'Change the mail host' }] : []),
      { value: 'retry', name: 'Try again' },
      { value: 'save', name: 'Save anyway' },
      { value: 'cancel', name: 'Cancel' },
    ];
    const next = await caps.prompt.select<Next>({ message: 'The mail server check failed. What now?', choices });
    if (next === 'cancel') throw new CancelledError();
    if (next === 'save') return { settings, report: verdict.report, passed: false, trust: verdict.trust };
    if (next === 'suggestion' && suggestion) Object.assign(ctx.draft, suggestion);
    if (next === 'change' && failure?.question) await answerQuestions(ctx, options, failure.question);
    if (next === 'host') await answerQuestions(ctx, options, 'host');
  }
}

/** "protocol SMTPS, port 465", "STARTTLS on": the settings a failed check suggests, in the summary's words. */
function describeSuggestion(suggestion: Partial<MailSettings>): string {
  return Object.entries(suggestion)
    .filter(([key]) => !(key === 'starttls' && suggestion.protocol === 'smtps')) // SMTPS has no STARTTLS
    .map(([key, value]) => {
      const label = key === 'starttls' ? 'STARTTLS' : SETTING_LABELS[key as keyof MailSettings].toLowerCase();
      const shown = typeof value === 'boolean' ? (value ? 'on' : 'off') : key === 'protocol' ? String(value).toUpperCase() : value;
      return `${label} ${shown}`;
    })
    .join(', ');
}

async function pickQuestion(ctx: StepContext): Promise<QuestionId> {
  const applicable = QUESTIONS.filter((question) => question.applies(ctx.draft));
  return ctx.prompt.select<QuestionId>({
    message: 'Which answer?',
    choices: applicable.map((question) => ({
      value: question.id,
      name: `${SETTING_LABELS[question.id]} (${displayValue(question.id, ctx.draft[question.id])})`,
      short: SETTING_LABELS[question.id],
    })),
    pageSize: applicable.length,
  });
}

export async function runWizard(options: WizardOptions, caps: WizardCapabilities): Promise<WizardResult> {
  const { out } = caps;
  const loaded = await loadSettingsFile(options.file);
  if (options.interactive) {
    out.heading(`Outbound e-mail for Kablink Teaming: ${loaded.path}`);
    out.help('Nothing is written until you confirm the summary; Ctrl+C cancels at any question.');
  }
  await prepareTarget(loaded.path, options, caps);
  const reconfiguring = await chooseMode(loaded, options, caps);
  const stored = reconfiguring ? loaded.stored.settings : (options.defaults ?? {});
  const ctx: StepContext = { draft: {}, stored, prompt: caps.prompt, out, now: caps.now };
  if (reconfiguring) ctx.storedByProtocol = await storedByProtocol(loaded);

  await answerQuestions(ctx, options);
  const javaHome = await javaHomeFor(loaded.path, loaded.bytes);
  const run: ProbeRunOptions = { allowPlaintextAuth: options.allowPlaintextAuth === true };
  let keptAddress: string | undefined;
  for (;;) {
    const { settings, report, passed, trust } = await probeStep(ctx, options, caps, run);
    if (options.interactive && keptAddress !== settings.host) {
      // An IP address host with TLS: offer the certificate's names for it; a chosen one is checked anew.
      const name = await offerCertificateName(settings, report, caps.prompt, out);
      keptAddress = settings.host;
      if (name !== undefined) {
        ctx.draft.host = name;
        continue;
      }
    }
    const notes = teamingJava(settings, trust, loaded.path, javaHome);
    const changes = reconfiguring ? await changesInFile(loaded, settings) : settingChanges({}, settings);
    out.line();
    for (const line of summarySheet(settings, out.style)) out.line(line);
    for (const line of teamingJavaLines(notes, trust)) out.warn(line);
    if (reconfiguring) {
      out.line();
      out.line(out.style.bold(`Changes to ${loaded.path}`));
      for (const line of changeLines(changes, out.style)) out.line(line);
    }
    out.line();

    if (options.interactive && !options.dryRun) {
      const next = await caps.prompt.select<'write' | 'change' | 'cancel'>({
        message: reconfiguring && changes.length === 0 ? 'Nothing changed. What now?' : `Write ${loaded.path}?`,
        choices: [
          reconfiguring && changes.length === 0
            ? { value: 'write', name: 'Done (leave the file as it is)' }
            : { value: 'write', name: 'Write it' },
          { value: 'change', name: 'Change one answer' },
          { value: 'cancel', name: 'Cancel' },
        ],
      });
      if (next === 'cancel') throw new CancelledError();
      if (next === 'change') {
        await answerQuestions(ctx, options, await pickQuestion(ctx));
        continue;
      }
    }
    const result = await finish(loaded, settings, changes, reconfiguring, options, caps, report, passed, run, { notes, trust });
    // The last word, whatever was written: such settings are a standing risk.
    if (result.passwordUnencrypted) out.warn(`With these settings ${PLAINTEXT_WARNING}. To protect it: teaming-mail-setup --reconfigure -f ${loaded.path}, then turn STARTTLS on or choose SMTPS.`);
    return result;
  }
}

/** Every managed key whose value the write changes (see file-changes.ts). */
async function changesInFile(loaded: LoadedSettingsFile, settings: MailSettings): Promise<SettingChange[]> {
  const bytes = await renderSettingsFile(loaded, settings);
  const switched = loaded.stored.settings.protocol !== settings.protocol;
  return fileChanges(await formatFor(loaded.path), loaded.path, loaded.bytes, bytes, settings, switched);
}

/**
 * Before the first question: the file can be written where it is, so that no answers are lost to
 * a missing folder or a permission. A missing folder is offered to be created (when asked, and
 * not for a dry run, which only warns).
 */
async function prepareTarget(path: string, options: WizardOptions, caps: WizardCapabilities): Promise<void> {
  const folder = await missingFolder(path);
  if (folder !== undefined && options.dryRun) {
    caps.out.warn(missingFolderError(path).message);
    return;
  }
  if (folder !== undefined && options.interactive) {
    const create = await caps.prompt.confirm({ message: `The folder ${folder} does not exist. Create it?`, default: true });
    if (!create) throw missingFolderError(path);
    await mkdir(folder, { recursive: true }).catch((error: Error) => {
      throw new WriteFileError(`${path} cannot be written: the folder ${folder} could not be created (${error.message}); create it or choose another path with --file`);
    });
    caps.out.success(`Created the folder ${folder}.`);
  }
  if (!options.dryRun) await checkTarget(path);
}

async function finish(
  loaded: LoadedSettingsFile,
  settings: MailSettings,
  changes: SettingChange[],
  reconfiguring: boolean,
  options: WizardOptions,
  caps: WizardCapabilities,
  probe: unknown,
  checkPassed: boolean,
  run: ProbeRunOptions,
  java: { notes: TeamingJava; trust?: TrustNeed },
): Promise<WizardResult> {
  const { out } = caps;
  const base = { file: loaded.path, changes, settings, probe, teamingJava: java.notes, passwordUnencrypted: sendsPasswordInClear(settings) };
  if (options.dryRun) {
    const masked = { ...settings, password: settings.password === '' ? '' : PASSWORD_PLACEHOLDER };
    const preview = await previewSettingsFile(loaded, masked, PASSWORD_PLACEHOLDER);
    out.line(out.style.bold(`${loaded.path} would hold (dry run, nothing written):`));
    out.line(preview.trimEnd());
    tellTeamingJava(java.notes, out);
    return { ...base, result: 'dry-run', preview };
  }
  const written = await writeUnlessSame(loaded, settings, changes, reconfiguring, out);
  const unsaved = java.notes.trust && java.trust ? await saveCertificate(java.notes.trust, java.trust) : undefined;
  if (unsaved) out.warn(unsaved);
  tellTeamingJava(java.notes, out);
  // A test message through settings that just failed the check would only fail again.
  if (written && options.interactive && checkPassed) await offerTestMessage(settings, loaded.path, caps, run);
  return written ? { ...base, result: 'written', backup: written.backup } : { ...base, result: 'unchanged' };
}

/** Write the file unless nothing would change; undefined when it was left as it was. */
async function writeUnlessSame(
  loaded: LoadedSettingsFile,
  settings: MailSettings,
  changes: SettingChange[],
  reconfiguring: boolean,
  out: Output,
): Promise<{ backup?: string } | undefined> {
  if (reconfiguring && changes.length === 0) {
    out.success(`Nothing changed; ${loaded.path} was not written.`);
    return undefined;
  }
  const bytes = await renderSettingsFile(loaded, settings);
  if (loaded.bytes?.equals(bytes)) {
    out.success(`${loaded.path} already holds these settings; it was not written.`);
    return undefined;
  }
  const backup = await writeSettingsFile(loaded.path, bytes, loaded.bytes);
  out.success(`Wrote ${loaded.path}${backup ? ` (the previous version is in ${backup})` : ''}.`);
  return { backup };
}

/** The final message's part about Teaming's Java: the name check it will not do, the certificate it must trust. */
function tellTeamingJava(notes: TeamingJava, out: Output): void {
  for (const warning of notes.warnings) out.warn(warning);
  if (!notes.trust) return;
  const [first, ...rest] = trustCommandLines(notes.trust);
  out.warn(first!);
  for (const line of rest) out.line(line);
}

const RECIPIENT = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+$/;

/** The last, optional step: a real message through the server, to a mailbox the administrator can read. */
async function offerTestMessage(settings: MailSettings, path: string, caps: WizardCapabilities, run: ProbeRunOptions): Promise<void> {
  if (!caps.sendTestMessage) return;
  let recipient: string;
  try {
    recipient = await caps.prompt.input({
      message: 'Send a test message to (e-mail address, blank to skip)',
      validate: (value) => value.trim() === '' || RECIPIENT.test(value.trim()) || 'enter one e-mail address, such as admin@example.com, or leave it blank',
    });
  } catch (error) {
    // Ctrl+C at this last, optional question skips it: the file is written, the run is done.
    if ((error as Error | undefined)?.name !== 'ExitPromptError') throw error;
    caps.out.line('No test message sent.');
    return;
  }
  if (recipient.trim() === '') return;
  if (!(await caps.sendTestMessage(settings, recipient.trim(), caps.out, run))) {
    // The advice above names a setting; the file is already written with the current one.
    caps.out.warn(`The test message was not sent; ${path} is written as shown above. To change a setting: teaming-mail-setup --reconfigure -f ${path}`);
  }
}
