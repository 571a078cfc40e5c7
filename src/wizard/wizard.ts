/**
 * Layer src/wizard/: the flow, its steps (steps/: one file per question, the probe retry, the
 * write), the summary sheet and change list, the prompter, what Teaming's Java needs. It may import
 * probe, settings and the leaf modules; never the command line (cli/) or the demo.
 *
 * The wizard: ask everything first (or take it from flags), then probe, then show the summary
 * sheet and write. Interactive and unattended runs share this one path; only where the answers
 * come from differs. The disk, the probe and the prompts are capabilities; the command line's
 * words for a missing answer come in with the options (howToAnswer).
 */
import { AnswersError, CancelledError, UsageError } from '../errors.ts';
import type { FileAccess } from './file-access.ts';
import type { Output } from '../output.ts';
import type { Prompter } from './prompter.ts';
import { completeSettings, PLAINTEXT_WARNING, SETTING_LABELS, type MailSettings } from '../settings/settings.ts';
import { fileChanges } from './file-changes.ts';
import { missingFolderError, renderSettingsFile, storedByProtocol, type LoadedSettingsFile } from '../settings/settings-file.ts';
import { formatFor } from '../settings/settings-format.ts';
import { offerCertificateName } from './certificate-names.ts';
import { changeLines, displayValue, settingChanges, summarySheet, type SettingChange } from './summary-sheet.ts';
import { teamingJava, teamingJavaLines, teamingJdkFor } from './teaming-java.ts';
import type { QuestionId, StepContext } from './steps/context.ts';
import { QUESTIONS } from './steps/index.ts';
import { probeUntilDecided, type ProbeCapability, type ProbeRunOptions } from './steps/probe-retry.ts';
import { writeStep, type TestMessageCapability, type WriteResult } from './steps/write.ts';

export type { ProbeCapability, ProbeRunOptions, ProbeVerdict } from './steps/probe-retry.ts';

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
  /** Unattended: how a missing answer can be given ('give --host (answers file: "host")'), in the command line's words. */
  howToAnswer: (setting: QuestionId) => string;
}

export interface WizardCapabilities {
  prompt: Prompter;
  out: Output;
  now: () => Date;
  /** Reading and writing the settings file (file-access.ts). */
  files: FileAccess;
  /** undefined: --no-probe. */
  probe?: ProbeCapability;
  /** Offered after writing when the check ran and no test recipient was given. */
  sendTestMessage?: TestMessageCapability;
}

export type WizardResult = WriteResult;

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
      Object.assign(ctx.draft, { [question.id]: preset });
      continue;
    }
    // A question asked again ("Change one answer", or after a failed check) offers the current answer.
    const current = revisit ? ctx.draft[question.id] : undefined;
    const defaultValue = current ?? question.defaultValue(ctx.draft, storedFor(ctx));
    if (!options.interactive) {
      if (defaultValue === undefined && options.rejected?.settings.includes(question.id)) continue;
      if (defaultValue === undefined) missing.push(`missing ${SETTING_LABELS[question.id].toLowerCase()}: ${options.howToAnswer(question.id)}`);
      else Object.assign(ctx.draft, { [question.id]: defaultValue });
      continue;
    }
    const answer = await question.ask(ctx as never, defaultValue as never);
    if (revisit && answer !== current) {
      for (const dependent of DEPENDENTS[question.id] ?? []) {
        delete ctx.draft[dependent];
        again.add(dependent);
      }
    }
    Object.assign(ctx.draft, { [question.id]: answer });
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
    throw new UsageError(`${loaded.path} already holds outbound e-mail settings: add --reconfigure to change them, or --force to replace them`);
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
  const loaded = await caps.files.load(options.file);
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
  const jdk = await teamingJdkFor(loaded.path, loaded.bytes, caps.files);
  const run: ProbeRunOptions = { allowPlaintextAuth: options.allowPlaintextAuth === true };
  let keptAddress: string | undefined;
  for (;;) {
    const { settings, report, passed, trust } = await probeUntilDecided(ctx, {
      interactive: options.interactive,
      force: options.force,
      probe: caps.probe,
      run,
      settings: () => draftSettings(ctx.draft, options, storedFor(ctx)),
      reask: (question) => answerQuestions(ctx, options, question),
    });
    if (options.interactive && keptAddress !== settings.host) {
      // An IP address host with TLS: offer the certificate's names for it; a chosen one is checked anew.
      const name = await offerCertificateName(settings, report, caps.prompt, out);
      keptAddress = settings.host;
      if (name !== undefined) {
        ctx.draft.host = name;
        continue;
      }
    }
    const notes = teamingJava(settings, trust, loaded.path, jdk);
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
          reconfiguring && changes.length === 0 ? { value: 'write', name: 'Done (leave the file as it is)' } : { value: 'write', name: 'Write it' },
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
    const result = await writeStep(
      {
        loaded,
        settings,
        changes,
        reconfiguring,
        interactive: options.interactive,
        dryRun: options.dryRun,
        force: options.force,
        probe: report,
        checkPassed: passed,
        run,
        java: { notes, trust },
      },
      caps,
    );
    // The last word, whatever was written: such settings are a standing risk.
    if (result.passwordUnencrypted)
      out.warn(
        `With these settings ${PLAINTEXT_WARNING}. To protect it: teaming-mail-setup --reconfigure -f ${loaded.path}, then turn STARTTLS on or choose SMTPS.`,
      );
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
  const folder = await caps.files.missingFolder(path);
  if (folder !== undefined && options.dryRun) {
    caps.out.warn(missingFolderError(path).message);
    return;
  }
  if (folder !== undefined && options.interactive) {
    const create = await caps.prompt.confirm({ message: `The folder ${folder} does not exist. Create it?`, default: true });
    if (!create) throw missingFolderError(path);
    await caps.files.createFolder(folder, path);
    caps.out.success(`Created the folder ${folder}.`);
  }
  if (!options.dryRun) await caps.files.checkTarget(path, { force: options.force });
}
