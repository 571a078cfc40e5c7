/**
 * Layer src/wizard/: the flow, its questions (questions/: one definition per question), its steps
 * (steps/: the probe retry, the write), the summary sheet and change list, the prompter, what
 * Teaming's Java needs. It may import probe, settings and the leaf modules; never the command line
 * (cli/) or the demo.
 *
 * The wizard: ask everything first (or take it from flags), then probe, then show the summary
 * sheet and write. Interactive and unattended runs share this one path; only where the answers
 * come from differs. The disk, the probe and the prompts are capabilities; the command line's
 * words (a missing answer's flag, --force, --reconfigure) come in with the options.
 */
import { AnswersError, CancelledError, UsageError } from '../errors.ts';
import type { CommandLineWords } from './command-line-words.ts';
import type { FileAccess } from './file-access.ts';
import type { Output } from '../output.ts';
import type { Prompter } from './prompter.ts';
import { ALLOW_PLAINTEXT_FLAG, completeSettings, PLAINTEXT_REFUSAL, PLAINTEXT_WARNING, sendsPasswordInClear, type MailSettings } from '../settings/settings.ts';
import { fileChanges } from './file-changes.ts';
import { missingFolderError, renderSettingsFile, storedByProtocol, type LoadedSettingsFile } from '../settings/settings-file.ts';
import { formatFor } from '../settings/settings-format.ts';
import { offerCertificateName } from './certificate-names.ts';
import { changeLines, settingChanges, shownSetting, summarySheet, type SettingChange } from './summary-sheet.ts';
import { teamingJava, teamingJavaLines, teamingJdkFor } from './teaming-java.ts';
import { QUESTIONS, type QuestionId, type StepContext } from './questions/index.ts';
import { chooseService, introduceService } from './steps/service.ts';
import { serviceForHost, withService, type MailService } from '../settings/mail-services.ts';
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
  /** --service: the mail service whose preset answers what the flags leave (see steps/service.ts). */
  service?: MailService;
  /** Defaults for a new configuration (the demo's server); reconfiguring uses the file's values. */
  defaults?: Partial<MailSettings>;
  /** Unattended: invalid answers given in advance, reported together with the missing ones. */
  rejected?: { problems: string[]; settings: readonly (keyof MailSettings)[] };
  /** The command line's words for the messages that name a flag (a missing answer, --force, --reconfigure). */
  commandLine: CommandLineWords;
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
 * Fill the draft in the installer's order: a preset answer, else the question (or its default when
 * unattended). `only`: ask that question again ("Change one answer", or after a failed check), and
 * those that depend on it if its answer changes. A question not asked in the flow is left to
 * draftSettings unless it is the one asked again.
 */
async function answerQuestions(ctx: StepContext, options: WizardOptions, only?: QuestionId, keepCurrent = false): Promise<void> {
  const missing: string[] = [];
  const again = new Set<QuestionId>(only ? [only] : []);
  for (const question of QUESTIONS) {
    if (!question.applies(ctx.draft)) {
      delete ctx.draft[question.id];
      continue;
    }
    const preset = options.preset[question.id];
    const revisit = again.has(question.id);
    if (!revisit && (ctx.draft[question.id] !== undefined || question.asked !== 'always' || !question.askedIf(ctx.draft))) continue;
    if (preset !== undefined && !revisit) {
      Object.assign(ctx.draft, { [question.id]: preset });
      continue;
    }
    // A question asked again offers the current answer (one not asked in the flow: its flag's, as draftSettings).
    const current = revisit ? (ctx.draft[question.id] ?? (question.asked === 'always' ? undefined : preset)) : undefined;
    const defaultValue = current ?? question.defaultValue(ctx.draft, storedFor(ctx));
    // "Keep everything": a current answer is taken as it is; only what has none is asked.
    if (options.interactive && question.ask && !(keepCurrent && !revisit && defaultValue !== undefined)) {
      const answer = await question.ask(ctx, defaultValue);
      if (revisit && answer !== current) {
        for (const dependent of question.dependents) {
          delete ctx.draft[dependent];
          again.add(dependent);
        }
      }
      Object.assign(ctx.draft, { [question.id]: answer });
      continue;
    }
    if (defaultValue === undefined && options.rejected?.settings.includes(question.id)) continue;
    if (defaultValue === undefined) missing.push(`missing ${question.label.toLowerCase()}: ${options.commandLine.howToAnswer(question.id)}`);
    else Object.assign(ctx.draft, { [question.id]: defaultValue });
  }
  const problems = [...(options.rejected?.problems ?? []), ...missing];
  if (problems.length > 0) throw new AnswersError(problems);
}

/** The stored values the questions offer: those of the protocol chosen so far (see storedByProtocol). */
function storedFor(ctx: StepContext): Partial<MailSettings> {
  return (ctx.draft.protocol && ctx.storedByProtocol?.[ctx.draft.protocol]) || ctx.stored;
}

/**
 * The draft as settings. A question not asked in the flow (and not asked again) takes its flag's
 * value, else its default from the stored values of the protocol chosen.
 */
function draftSettings(ctx: StepContext, options: WizardOptions): MailSettings {
  const draft = { ...ctx.draft };
  for (const question of QUESTIONS) {
    if ((question.asked === 'always' && question.askedIf(draft)) || draft[question.id] !== undefined || !question.applies(draft)) continue;
    const value = options.preset[question.id] ?? question.defaultValue(draft, storedFor(ctx));
    Object.assign(draft, { [question.id]: value });
  }
  return completeSettings({ ...draft, host: draft.host!, timeZone: draft.timeZone! });
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
    throw new UsageError(`${loaded.path} already holds outbound e-mail settings: ${options.commandLine.keepOrReplace}`);
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
 * Reconfiguring in a terminal: the current values, then keep them all (and check), change one, or
 * go through every question with them as defaults. Otherwise every question.
 */
async function answerAll(ctx: StepContext, options: WizardOptions, caps: WizardCapabilities, loaded: LoadedSettingsFile | undefined): Promise<WizardOptions> {
  if (loaded && options.interactive) {
    caps.out.line();
    for (const line of summarySheet(loaded.stored.settings, caps.out.style, `The current settings in ${loaded.path}`)) caps.out.line(line);
    caps.out.line();
    const start = await caps.prompt.select<'keep' | 'one' | 'all'>({
      message: 'What would you like to do?',
      choices: [
        { value: 'keep', name: 'Keep everything and check' },
        { value: 'one', name: 'Change one answer…', short: 'Change one answer' },
        { value: 'all', name: 'Go through all questions' },
      ],
    });
    if (start !== 'all') {
      await answerQuestions(ctx, options, undefined, true);
      if (start === 'one') await answerQuestions(ctx, options, await pickQuestion(ctx, draftSettings(ctx, options)), true);
      return options;
    }
  }
  const withPreset = await whereTheMailGoes(ctx, options);
  await answerQuestions(ctx, withPreset);
  return withPreset;
}

/**
 * Where the mail goes, unless --service said it, or a flag gave what a preset fills (the endpoint is
 * the site's own), or the demo (its server is its own); a service's preset answers under the flags.
 */
async function whereTheMailGoes(ctx: StepContext, options: WizardOptions): Promise<WizardOptions> {
  const endpointGiven = ENDPOINT.some((id) => options.preset[id] !== undefined);
  const askService = options.interactive && !endpointGiven && options.defaults?.host === undefined;
  ctx.service = options.service ?? (askService ? await chooseService(ctx) : undefined);
  if (ctx.service && options.interactive) ctx.service = await introduceService(ctx, ctx.service, options.preset);
  return { ...options, preset: withService(ctx.service, options.preset) };
}

/** "Change one answer": the questions that apply and can be asked, each with its current answer. */
async function pickQuestion(ctx: StepContext, settings: MailSettings): Promise<QuestionId> {
  const changeable = QUESTIONS.filter((question) => question.ask && question.applies(settings));
  return ctx.prompt.select<QuestionId>({
    message: 'Which answer?',
    choices: changeable.map((question) => ({
      value: question.id,
      name: `${question.label} (${shownSetting(question.id, settings)})`,
      short: question.label,
    })),
    pageSize: changeable.length,
  });
}

/** What a service's preset fills. */
const ENDPOINT = ['protocol', 'host', 'port', 'starttls'] as const;

export async function runWizard(options: WizardOptions, caps: WizardCapabilities): Promise<WizardResult> {
  const { out } = caps;
  const loaded = await caps.files.load(options.file);
  if (options.interactive) {
    out.heading(`Outbound e-mail for Kablink Teaming: ${loaded.path}`);
    out.help('Nothing is written until you confirm the summary; Ctrl+C cancels at any question.');
  }
  const created = await prepareTarget(loaded.path, options, caps);
  try {
    return await runQuestionsToWrite(loaded, options, caps);
  } catch (error) {
    // Cancelled: a folder made by "Create it?" goes again, if nothing was put in it.
    if (created !== undefined && error instanceof CancelledError) await caps.files.removeEmptyFolders(created, loaded.path);
    throw error;
  }
}

/** After the target is ready: the questions, the check, the summary and the write. */
async function runQuestionsToWrite(loaded: LoadedSettingsFile, options: WizardOptions, caps: WizardCapabilities): Promise<WizardResult> {
  const { out } = caps;
  const reconfiguring = await chooseMode(loaded, options, caps);
  const stored = reconfiguring ? loaded.stored.settings : (options.defaults ?? {});
  const ctx: StepContext = { draft: {}, stored, prompt: caps.prompt, out, now: caps.now };
  if (reconfiguring) ctx.storedByProtocol = await storedByProtocol(loaded);

  options = await answerAll(ctx, options, caps, reconfiguring ? loaded : undefined);
  const jdk = await teamingJdkFor(loaded.path, loaded.bytes, caps.files);
  const run: ProbeRunOptions = { allowPlaintextAuth: options.allowPlaintextAuth === true };
  let keptAddress: string | undefined;
  for (;;) {
    const { settings, report, passed, trust } = await probeUntilDecided(ctx, {
      interactive: options.interactive,
      force: options.force,
      commandLine: options.commandLine,
      probe: caps.probe,
      run,
      settings: () => draftSettings(ctx, options),
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
    const notes = teamingJava(settings, trust, loaded.path, jdk, report);
    const changes = reconfiguring ? await changesInFile(loaded, settings) : settingChanges({}, settings);
    out.line();
    for (const line of summarySheet(settings, out.style, undefined, (await serviceForHost(settings.host))?.title)) out.line(line);
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
        await answerQuestions(ctx, options, await pickQuestion(ctx, settings));
        continue;
      }
    }
    // Nothing to write, nothing to consent to.
    if (!(reconfiguring && changes.length === 0) && !(await plaintextConsent(settings, run, options, caps))) {
      await answerQuestions(ctx, options, 'starttls');
      continue;
    }
    const result = await writeStep(
      {
        loaded,
        settings,
        changes,
        reconfiguring,
        commandLine: options.commandLine,
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
        `With these settings ${PLAINTEXT_WARNING}. To protect it: ${options.commandLine.reconfigure(loaded.path)}, then turn STARTTLS on or choose SMTPS.`,
      );
    return result;
  }
}

/**
 * A file that makes Teaming send the password without TLS is written only with consent
 * (--allow-plaintext-auth, or the check's own choice), with or without the check: false when the
 * administrator declines and would rather change the answer.
 */
async function plaintextConsent(settings: MailSettings, run: ProbeRunOptions, options: WizardOptions, caps: WizardCapabilities): Promise<boolean> {
  if (!sendsPasswordInClear(settings) || settings.password === '' || run.allowPlaintextAuth || options.dryRun) return true;
  if (!options.interactive) {
    throw new UsageError(`not written: with these settings ${PLAINTEXT_REFUSAL}, and Teaming would send it so with every message`, {
      fix: `turn STARTTLS on (--starttls) or choose SMTPS (--protocol smtps); only on a network path you trust, allow it with ${ALLOW_PLAINTEXT_FLAG}`,
    });
  }
  const anyway = await caps.prompt.confirm({ message: `With these settings ${PLAINTEXT_REFUSAL} (no TLS). Write them anyway?`, default: false });
  if (anyway) run.allowPlaintextAuth = true;
  return anyway;
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
 * not for a dry run, which only warns); the folder created, if any.
 */
async function prepareTarget(path: string, options: WizardOptions, caps: WizardCapabilities): Promise<string | undefined> {
  const folder = await caps.files.missingFolder(path);
  if (folder !== undefined && options.dryRun) {
    caps.out.warn(missingFolderError(path).message);
    return undefined;
  }
  let created: string | undefined;
  if (folder !== undefined && options.interactive) {
    const create = await caps.prompt.confirm({ message: `The folder ${folder} does not exist. Create it?`, default: true });
    if (!create) throw missingFolderError(path);
    created = await caps.files.createFolder(folder, path);
    caps.out.success(`Created the folder ${folder}.`);
  }
  if (!options.dryRun) await caps.files.checkTarget(path, { force: options.force });
  return created;
}
