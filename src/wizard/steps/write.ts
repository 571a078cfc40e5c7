/**
 * The wizard's last step: write the file (unless nothing changed), or show it for --dry-run; save
 * the certificate Teaming's JVM must trust; say what Teaming's Java needs; offer a test message.
 */
import type { FileAccess } from '../file-access.ts';
import type { Output } from '../../output.ts';
import type { Prompter } from '../prompter.ts';
import { testRecipientSchema, validator } from '../../settings/schemas.ts';
import { previewSettingsFile, renderSettingsFile, type LoadedSettingsFile } from '../../settings/settings-file.ts';
import { MASKED_PASSWORD, sendsPasswordInClear, type MailSettings } from '../../settings/settings.ts';
import type { SettingChange } from '../summary-sheet.ts';
import { trustCommandLines, withCertificateSaved, type TeamingJava, type TrustNeed } from '../teaming-java.ts';
import type { ProbeRunOptions } from './probe-retry.ts';

export type WriteResult = {
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

export type TestMessageCapability = (settings: MailSettings, recipient: string, out: Output, run: ProbeRunOptions) => Promise<boolean>;

/** What the write step is given: the file as read, the settings to write, what the check found. */
export interface WriteStep {
  loaded: LoadedSettingsFile;
  settings: MailSettings;
  changes: SettingChange[];
  reconfiguring: boolean;
  interactive: boolean;
  dryRun: boolean;
  /** --force: also write in a folder others may write in. */
  force: boolean;
  probe: unknown;
  checkPassed: boolean;
  run: ProbeRunOptions;
  java: { notes: TeamingJava; trust?: TrustNeed };
}

export interface WriteCapabilities {
  files: FileAccess;
  out: Output;
  prompt: Prompter;
  /** Offered after writing when the check ran and no test recipient was given. */
  sendTestMessage?: TestMessageCapability;
}

export async function writeStep(step: WriteStep, caps: WriteCapabilities): Promise<WriteResult> {
  const { loaded, settings, java } = step;
  const { out } = caps;
  const base = {
    file: loaded.path,
    changes: step.changes,
    settings,
    probe: step.probe,
    teamingJava: java.notes,
    passwordUnencrypted: sendsPasswordInClear(settings),
  };
  if (step.dryRun) {
    const masked = { ...settings, password: settings.password === '' ? '' : MASKED_PASSWORD };
    const preview = await previewSettingsFile(loaded, masked, MASKED_PASSWORD);
    out.line(out.style.bold(`${loaded.path} would hold (dry run, nothing written):`));
    out.line(preview.trimEnd());
    tellTeamingJava(java.notes, out);
    return { ...base, result: 'dry-run', preview };
  }
  const written = await writeUnlessSame(step, caps);
  let notes = java.notes;
  if (notes.trust && java.trust) {
    const unsaved = await caps.files.saveCertificate(notes.trust.certificateFile, java.trust.pem);
    if (unsaved) out.warn(unsaved);
    notes = withCertificateSaved(notes, unsaved === undefined);
  }
  tellTeamingJava(notes, out);
  // A test message through settings that just failed the check would only fail again.
  if (written && step.interactive && step.checkPassed) await offerTestMessage(settings, loaded.path, caps, step.run);
  return written ? { ...base, teamingJava: notes, result: 'written', backup: written.backup } : { ...base, teamingJava: notes, result: 'unchanged' };
}

/** Write the file unless nothing would change; undefined when it was left as it was. */
async function writeUnlessSame(
  { loaded, settings, changes, reconfiguring, force }: WriteStep,
  { files, out }: WriteCapabilities,
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
  const { backup, access } = await files.write(loaded.path, bytes, loaded.bytes, { force });
  out.success(`Wrote ${loaded.path} (${access}${backup ? `; the previous version is in ${backup}` : ''}).`);
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

const checkRecipient = validator(testRecipientSchema);

/** The last, optional step: a real message through the server, to a mailbox the administrator can read. */
async function offerTestMessage(settings: MailSettings, path: string, caps: WriteCapabilities, run: ProbeRunOptions): Promise<void> {
  if (!caps.sendTestMessage) return;
  let recipient: string;
  try {
    recipient = await caps.prompt.input({
      message: 'Send a test message to (e-mail address, blank to skip)',
      // The same schema and words as --test-recipient; blank skips.
      validate: (value) => value.trim() === '' || checkRecipient(value),
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
