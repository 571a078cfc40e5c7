/**
 * The wizard's check step: probe the answers until the check passes or the administrator decides
 * (use the working settings, change an answer, try again, save anyway, cancel). Unattended, a
 * failed check stops the run unless --force.
 */
import { CancelledError, ProbeFailedError } from '../../errors.ts';
import type { Output } from '../../output.ts';
import type { FailureKind } from '../../probe/index.ts';
import type { MailSettings } from '../../settings/settings.ts';
import { labelInSentence, labelOf, type QuestionId, type StepContext } from '../questions/index.ts';
import type { CommandLineWords } from '../command-line-words.ts';
import type { CertificateTrust } from '../saved-trust.ts';
import type { TrustNeed } from '../teaming-java.ts';
import type { Choice } from '../prompter.ts';
import { decideTrust, trustChoices, type SeenCertificate, type TrustChoice } from './certificate-trust.ts';

/** What the probe step needs from a probe: a verdict, and on failure the question to revisit. */
export interface ProbeVerdict {
  ok: boolean;
  /** A JSON-safe report (never the password). */
  report: unknown;
  failure?: { kind?: FailureKind; question?: QuestionId; suggestion?: Partial<MailSettings>; message: string; advice: string; certificate?: SeenCertificate };
  /** The check trusted the certificate for a reason Teaming's JVM does not share (--ca-file, a fingerprint…). */
  trust?: TrustNeed;
}

/** What the administrator decided for this run only (never stored). */
export interface ProbeRunOptions {
  /** The password may cross a connection without TLS: --allow-plaintext-auth, or the choice after a refused check. */
  allowPlaintextAuth: boolean;
  /** The certificate trust decided in the wizard ("Trust this certificate", "Use a CA certificate file…"). */
  trust?: CertificateTrust;
}

export type ProbeCapability = (settings: MailSettings, out: Output, run: ProbeRunOptions) => Promise<ProbeVerdict>;

export interface ProbeOutcome {
  settings: MailSettings;
  report?: unknown;
  passed: boolean;
  trust?: TrustNeed;
}

/** What the loop needs besides the questions' context. */
export interface ProbeLoop {
  interactive: boolean;
  force: boolean;
  commandLine: CommandLineWords;
  /** undefined: --no-probe. */
  probe?: ProbeCapability;
  run: ProbeRunOptions;
  /** The draft as settings to check. */
  settings(): MailSettings;
  /** Ask one question again (and those that depend on it). */
  reask(question: QuestionId): Promise<void>;
}

/**
 * The check refused to send the password without TLS: use settings the check has seen work (if
 * any), change the port, or send it in clear on purpose (never the default), or stop.
 */
async function plaintextAuthChoice(ctx: StepContext, loop: ProbeLoop, suggestion: Partial<MailSettings> | undefined): Promise<void> {
  const next = await ctx.prompt.select<'suggestion' | 'port' | 'plaintext' | 'cancel'>({
    message: 'The password would cross the network unencrypted. What now?',
    choices: [
      ...(suggestion ? [{ value: 'suggestion' as const, name: `Use the working settings (${describeSuggestion(suggestion)})` }] : []),
      { value: 'port', name: 'Change the port' },
      { value: 'plaintext', name: 'Send the password unencrypted anyway (only on a network path you trust)', short: 'Send it unencrypted' },
      { value: 'cancel', name: 'Cancel' },
    ],
    default: suggestion ? 'suggestion' : 'port',
  });
  if (next === 'cancel') throw new CancelledError();
  if (next === 'suggestion' && suggestion) Object.assign(ctx.draft, suggestion);
  if (next === 'port') await loop.reask('port');
  if (next === 'plaintext') loop.run.allowPlaintextAuth = true;
}

/** "protocol SMTPS, port 465", "STARTTLS on": settings in the summary's words. */
export function describeSuggestion(suggestion: Partial<MailSettings>): string {
  return Object.entries(suggestion)
    .filter(([key]) => !(key === 'starttls' && suggestion.protocol === 'smtps')) // SMTPS has no STARTTLS
    .map(([key, value]) => {
      const shown = typeof value === 'boolean' ? (value ? 'on' : 'off') : key === 'protocol' ? String(value).toUpperCase() : value;
      return `${labelInSentence(key as QuestionId)} ${shown}`;
    })
    .join(', ');
}

/** "Change the port", "Change STARTTLS": the question by the name it is asked by. */
function changeChoice(question: QuestionId): string {
  const label = labelOf(question);
  return /^[A-Z]{2,}/.test(label) ? `Change ${label}` : `Change the ${labelInSentence(question)}`;
}

/** What identifies a combination the check ran: every answer the check depends on. */
function combinationKey(settings: MailSettings): string {
  const { protocol, host, port, starttls, auth, username } = settings;
  return JSON.stringify([protocol, host, port, starttls, auth, auth ? username : '']);
}

/** Probe until it passes or the administrator decides; the last report and whether the check passed. */
export async function probeUntilDecided(ctx: StepContext, loop: ProbeLoop): Promise<ProbeOutcome> {
  /** The combinations that failed in this run: never suggested again. */
  const failed = new Set<string>();
  for (;;) {
    const settings = loop.settings();
    if (!loop.probe) return { settings, passed: false };
    const verdict = await loop.probe(settings, ctx.out, loop.run);
    if (verdict.ok) return { settings, report: verdict.report, passed: true, trust: verdict.trust };
    const failure = verdict.failure;
    if (!failure?.kind?.startsWith('certificate-')) failed.add(combinationKey(settings));
    // Only settings the check ran through to the envelope, and never one that failed here.
    const suggestion = failure?.suggestion && !failed.has(combinationKey({ ...settings, ...failure.suggestion })) ? failure.suggestion : undefined;
    if (loop.interactive && failure?.kind === 'auth-plaintext') {
      await plaintextAuthChoice(ctx, loop, suggestion);
      continue;
    }
    if (!loop.interactive) {
      if (loop.force) {
        ctx.out.warn(`The mail server check failed; writing anyway because of ${loop.commandLine.force}.`);
        return { settings, report: verdict.report, passed: false, trust: verdict.trust };
      }
      throw new ProbeFailedError(
        `the mail server check failed${failure ? `: ${failure.message} — ${failure.advice}` : ''}; nothing was written (${loop.commandLine.writeAnyway})`,
        verdict.report,
      );
    }
    type Next = 'suggestion' | 'change' | 'host' | 'retry' | 'save' | 'cancel' | TrustChoice;
    const choices: Choice<Next>[] = [
      ...trustChoices(failure?.kind, failure?.certificate),
      ...(suggestion ? [{ value: 'suggestion' as Next, name: `Use the working settings (${describeSuggestion(suggestion)})` }] : []),
      ...(failure?.question ? [{ value: 'change' as Next, name: changeChoice(failure.question) }] : []),
      // A connection that failed on the port may as well be the wrong server.
      ...(failure?.question === 'port' ? [{ value: 'host' as Next, name: 'Change the mail host' }] : []),
      { value: 'retry', name: 'Try again' },
      { value: 'save', name: 'Save anyway' },
      { value: 'cancel', name: 'Cancel' },
    ];
    const next = await ctx.prompt.select<Next>({ message: 'The mail server check failed. What now?', choices });
    if (next === 'cancel') throw new CancelledError();
    if (next === 'save') return { settings, report: verdict.report, passed: false, trust: verdict.trust };
    if (next === 'suggestion' && suggestion) Object.assign(ctx.draft, suggestion);
    if (next === 'change' && failure?.question) await loop.reask(failure.question);
    if (next === 'host') await loop.reask('host');
    if ((next === 'trust-certificate' || next === 'trust-ca') && failure?.certificate)
      loop.run.trust = await decideTrust(next, failure.certificate, ctx.prompt);
  }
}
